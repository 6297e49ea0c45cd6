/**
 * Dockerfile facts of the image a component is built from: EXPOSE (port), USER, HEALTHCHECK
 * (and the health path in it), ENTRYPOINT/CMD (start command), ENV (env vars baked into the
 * image), and the base image (language; an nginx-like base makes a proxy or a static frontend).
 * Only the final stage counts, with the stages it is built `FROM`.
 */
import type { Draft, Loc } from '../draft';
import { PRIORITY } from '../draft';
import { analyzeCommand } from '../commands';
import { pathFromHealthcheck } from '../health';
import { execForm, joinArgv, parseDockerfile, type DockerInstruction } from '../parse/dockerfile';
import type { Repo } from '../repo';
import type { WarningSink } from '../warnings';
import { imageRepository } from './datastores';

/** Toolchain variables of base images: not application configuration. */
const TOOLCHAIN_ENV =
  /^(PATH|HOME|LANG|LC_\w+|TZ|DEBIAN_FRONTEND|PYTHON\w*|PIP_\w+|UV_\w+|POETRY_\w+|VIRTUAL_ENV|NPM_CONFIG_\w+|PNPM_HOME|COREPACK_\w+|YARN_\w+|NEXT_TELEMETRY_DISABLED|NODE_VERSION|GPG_KEY)$/;

const PROXY_BASE =
  /^(library\/)?(nginx|nginxinc\/nginx-unprivileged|caddy|traefik|haproxy|envoyproxy\/envoy[-\w]*|openresty\/openresty)$/;

/** ENV/ARG `A=b C="d e"` or legacy `A b` pairs. */
function envPairs(args: string): Array<[string, string]> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*))?$/.exec(args);
    return m ? [[m[1]!, (m[2] ?? '').trim()]] : [];
  }
  const out: Array<[string, string]> = [];
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g))
    out.push([m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2')]);
  return out;
}

function argvOf(i: DockerInstruction): string[] {
  return execForm(i.args) ?? ['/bin/sh', '-c', i.args];
}

function commandText(i: DockerInstruction): string {
  const argv = execForm(i.args);
  return argv ? joinArgv(argv) : i.args;
}

/**
 * Claims the facts of the Dockerfile at `path` on `draft`, and its build strategy with
 * `context`. Parse problems become warnings.
 */
export function applyDockerfile(
  draft: Draft,
  repo: Repo,
  path: string,
  context: string,
  warnings: WarningSink,
  hasNodeApp: boolean,
): void {
  const src = repo.source(path);
  if (!src) return;
  const parsed = parseDockerfile(src.text);
  for (const p of parsed.problems)
    warnings.add('invalid-dockerfile', `${path}: ${p.message}`, path, p.line);
  const P = PRIORITY.dockerfile;
  const loc = (i: DockerInstruction, note?: string): Loc => ({
    file: path,
    line: i.line,
    ...(note ? { note } : {}),
  });
  draft.claim('build', { strategy: 'dockerfile', dockerfile: path, context }, P, {
    file: path,
    line: parsed.instructions.find((i) => i.keyword === 'FROM')?.line,
    note: 'existing Dockerfile',
  });

  // The final stage and the stages it derives from (`FROM base AS runner` … `FROM runner`).
  const froms = parsed.instructions.filter((i) => i.keyword === 'FROM');
  const aliases = new Map<string, number>();
  for (const f of froms) {
    const alias = /\s+as\s+(\S+)\s*$/i.exec(f.args)?.[1];
    if (alias) aliases.set(alias.toLowerCase(), f.stage);
  }
  const chain: number[] = [];
  let base = '';
  for (let s = parsed.stageCount - 1; s >= 0 && !chain.includes(s);) {
    chain.unshift(s);
    const image = (froms[s]?.args ?? '').replace(/^--platform=\S+\s+/, '').split(/\s+/)[0] ?? '';
    const parent = aliases.get(image.toLowerCase());
    if (parent === undefined) {
      base = image;
      break;
    }
    s = parent;
  }
  const final = parsed.instructions.filter((i) => chain.includes(i.stage));
  const last = (kw: string): DockerInstruction | undefined =>
    final.filter((i) => i.keyword === kw).at(-1);

  const vars = new Map<string, string>();
  for (const i of parsed.instructions)
    if ((i.keyword === 'ENV' || i.keyword === 'ARG') && (i.stage < 0 || chain.includes(i.stage)))
      for (const [k, v] of envPairs(i.args)) if (v) vars.set(k, v);
  const expand = (s: string): string =>
    s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, k: string) => vars.get(k) ?? all);

  const expose = final.find((i) => i.keyword === 'EXPOSE');
  const port = expose && /^(\d{1,5})/.exec(expand(expose.args).trim());
  if (expose && port) draft.claim('port', Number(port[1]), P, loc(expose, `EXPOSE ${expose.args}`));

  const user = last('USER');
  if (user) draft.feature('dockerUser', user.args.trim(), P, loc(user, 'USER'));

  const hc = last('HEALTHCHECK');
  if (hc && !/^NONE$/i.test(hc.args.trim())) {
    const cmd = /\bCMD\s+(.*)$/is.exec(hc.args)?.[1]?.trim() ?? hc.args;
    const text = execForm(cmd) ? joinArgv(execForm(cmd)!) : cmd;
    draft.feature('dockerHealthcheck', text, P, loc(hc, 'HEALTHCHECK'));
    const hp = pathFromHealthcheck(expand(text));
    if (hp) draft.claim('healthPath', hp, P, loc(hc, `HEALTHCHECK requests ${hp}`));
  }

  const entry = last('ENTRYPOINT');
  const cmd = last('CMD');
  if (entry || cmd) {
    const text =
      entry && cmd && execForm(entry.args)
        ? joinArgv([...argvOf(entry), ...argvOf(cmd)])
        : entry
          ? commandText(entry)
          : commandText(cmd!);
    const at = cmd ?? entry!;
    draft.claim('startCommand', text, P, loc(at, at.keyword));
    const facts = analyzeCommand(expand(text));
    if (facts.port !== undefined)
      draft.claim('port', facts.port, P + 1, loc(at, `${at.keyword} listens on ${facts.port}`));
    if (facts.appObject)
      draft.feature(
        'appObject',
        facts.appObject,
        P,
        loc(at, `${at.keyword} serves ${facts.appObject}`),
      );
  }

  for (const i of final)
    if (i.keyword === 'ENV')
      for (const [name, value] of envPairs(i.args))
        if (!TOOLCHAIN_ENV.test(name))
          draft.env.push({
            name,
            source: 'dockerfile',
            ...(value ? { value } : {}),
            loc: loc(i, 'ENV'),
          });

  const repoName = imageRepository(base);
  const fromLoc = { file: path, line: froms.at(chain[0]!)?.line ?? 1, note: `FROM ${base}` };
  if (/(^|\/)node$/.test(repoName))
    draft.claim('language', 'javascript', PRIORITY.default, fromLoc);
  else if (/(^|\/)python$/.test(repoName) || repoName.startsWith('astral-sh/uv'))
    draft.claim('language', 'python', PRIORITY.default, fromLoc);
  else if (/(^|\/)golang$/.test(repoName)) draft.claim('language', 'go', PRIORITY.default, fromLoc);
  else draft.claim('language', 'other', PRIORITY.default, fromLoc);
  if (PROXY_BASE.test(repoName)) {
    // nginx serving a JavaScript build is a static frontend; nginx alone is a proxy.
    if (hasNodeApp) {
      draft.claim('kind', 'frontend', PRIORITY.dockerfile, {
        ...fromLoc,
        note: `static build served by ${base}`,
      });
      draft.claim('public', true, PRIORITY.dockerfile, { ...fromLoc, note: 'static frontend' });
    } else {
      draft.claim('kind', 'proxy', PRIORITY.dockerfile, { ...fromLoc, note: `${base} image` });
      draft.claim('public', true, PRIORITY.inferred, {
        ...fromLoc,
        note: 'a reverse proxy is the entry point',
      });
    }
    draft.serves = true;
    draft.claim('port', 80, PRIORITY.default, { ...fromLoc, note: `${base} default port` });
  } else if (!draft.get('kind')) {
    draft.claim(
      'kind',
      port || cmd || entry ? (port ? 'backend' : 'worker') : 'backend',
      PRIORITY.default,
      { ...fromLoc, note: port ? 'image exposes a port' : 'image exposes no port' },
    );
    if (port) draft.serves = true;
  }
}
