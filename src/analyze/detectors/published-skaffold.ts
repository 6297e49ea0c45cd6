/**
 * Published images named by skaffold: each `build.artifacts[]` entry of a `skaffold.yaml`
 * (every document of a multi-config file) names the image built from its `context` (default
 * the file's directory). It matches every built component with that build context. Skaffold
 * image names carry no tag (skaffold tags at build time), so such an image is a published
 * name, never a pinned reference.
 */
import { baseOf, dirOf, escapesRoot, joinRel } from '../paths';
import {
  mapping,
  readYamlDocs,
  text,
  type PublishedCandidate,
  type PublishedContext,
} from './published-context';

/** Candidates from skaffold artifacts, in file, document and artifact order. */
export function detectSkaffoldPublished(ctx: PublishedContext): PublishedCandidate[] {
  const out: PublishedCandidate[] = [];
  const files = ctx.repo.files
    .map((f) => f.path)
    .filter((p) => /^skaffold\.ya?ml$/.test(baseOf(p)));
  for (const file of files)
    for (const doc of readYamlDocs(ctx.repo, file, ctx.warnings, 'artifact images')) {
      const artifacts = mapping(mapping(doc.value)?.build)?.artifacts;
      if (!Array.isArray(artifacts)) continue;
      artifacts.forEach((raw, i) => {
        const a = mapping(raw);
        const image = text(a?.image);
        if (!a || !image) return;
        const context = joinRel(dirOf(file), text(a.context) ?? '.');
        if (escapesRoot(context)) return;
        for (const c of ctx.components.filter((x) => x.context === context))
          out.push({
            component: c.name,
            image,
            from: 'skaffold',
            loc: {
              file,
              line: doc.lineOf(['build', 'artifacts', i, 'image']),
              note: `skaffold artifact built from ${context}`,
            },
          });
      });
    }
  return out;
}
