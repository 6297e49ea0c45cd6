/**
 * Published images named by the repository's Helm chart: `image` in the chart's `values.yaml`,
 * either a string or the usual `repository` + `tag` mapping (with an optional `registry`
 * prefix, or a `digest` in place of the tag). A chart is read when its name (Chart.yaml
 * `name`) is the app's name or a built component's, or when the repository builds one
 * component only.
 *
 * `<component>.image` (or its camelCase key, `apiGateway.image`) belongs to that component;
 * the top-level `image` belongs to the component the chart is named after, else to the only
 * built component. A chart's templates are never read.
 */
import { joinRel, sanitizeName } from '../paths';
import {
  chartDirs,
  mapping,
  readYamlDocs,
  text,
  type PublishedCandidate,
  type PublishedContext,
} from './published-context';

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

/** The reference a values `image` entry names, and the key path of its name. */
function imageOf(v: unknown): { image: string; key: string[] } | undefined {
  const plain = text(v);
  if (plain) return { image: plain, key: [] };
  const m = mapping(v);
  const repository = text(m?.repository);
  if (!m || !repository) return undefined;
  const registry = text(m.registry);
  const digest = text(m.digest);
  const tag = text(m.tag);
  const name = registry ? `${registry.replace(/\/+$/, '')}/${repository}` : repository;
  const suffix = digest ? `@${digest}` : tag ? `:${tag}` : '';
  return { image: `${name}${suffix}`, key: ['repository'] };
}

/** Candidates from Helm values, in chart path order; per-component keys before `image`. */
export function detectHelmPublished(ctx: PublishedContext): PublishedCandidate[] {
  const out: PublishedCandidate[] = [];
  const { components, repo, warnings } = ctx;
  for (const dir of chartDirs(repo)) {
    const chartFile = joinRel(dir, 'Chart.yaml');
    const chart = readYamlDocs(repo, chartFile, warnings, 'images')[0];
    const rawName = text(mapping(chart?.value)?.name);
    if (!rawName) continue;
    const chartName = sanitizeName(rawName);
    const named = components.find((c) => c.name === chartName);
    if (chartName !== ctx.appName && !named && components.length !== 1) continue;
    const valuesFile = joinRel(dir, 'values.yaml');
    const values = readYamlDocs(repo, valuesFile, warnings, 'images')[0];
    const root = mapping(values?.value);
    if (!values || !root) continue;
    const add = (component: string, path: string[]): void => {
      let v: unknown = root;
      for (const key of path) v = mapping(v)?.[key];
      const found = imageOf(v);
      if (!found) return;
      out.push({
        component,
        image: found.image,
        from: 'helm',
        loc: {
          file: valuesFile,
          line: values.lineOf([...path, ...found.key]),
          note: `chart ${rawName} values ${path.join('.')}`,
        },
      });
    };
    for (const c of components) {
      if (root[c.name] !== undefined) add(c.name, [c.name, 'image']);
      else if (root[camel(c.name)] !== undefined) add(c.name, [camel(c.name), 'image']);
    }
    const owner = named ?? (components.length === 1 ? components[0] : undefined);
    if (owner) add(owner.name, ['image']);
  }
  return out;
}
