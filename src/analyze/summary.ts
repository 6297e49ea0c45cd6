/**
 * The readable text form of an AppModel for `stackpilot analyze`: components (kind,
 * framework, port, build), edges, external services, secrets by name, warnings. Plain text
 * with no colour: the CLI decorates it. Secret values are never in the model, so never here.
 */
import type { AppModel, Component } from '../model/app';
import { formatIssue } from '../model/errors';

function framework(c: Component): string {
  return c.framework
    ? `${c.framework.name}${c.framework.version ? ` ${c.framework.version}` : ''}`
    : c.language;
}

function build(c: Component): string {
  switch (c.build.strategy) {
    case 'dockerfile':
      return `dockerfile ${c.build.dockerfile}${c.build.context !== c.path ? ` (context ${c.build.context})` : ''}`;
    case 'image':
      return `image ${c.build.image}`;
    default:
      return 'generated Dockerfile';
  }
}

/** Pads columns so that rows line up. */
function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>(
    (w, r) => r.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  return rows.map((r) =>
    `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

/** Renders the model as text for `stackpilot analyze`. */
export function summarizeAppModel(model: AppModel): string {
  const out: string[] = [];
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  out.push(
    `${model.name}: ${n(model.components.length, 'component')}, ${n(model.externalServices.length, 'external service')}, ${n(model.edges.length, 'edge')}, ${n(model.warnings.length, 'warning')}`,
  );

  out.push('', 'Components');
  if (!model.components.length) out.push('  (none detected)');
  out.push(
    ...table(
      model.components.map((c) => {
        const extras = [
          c.public ? 'public' : 'internal',
          c.healthPath ? `health ${c.healthPath}` : '',
          c.readinessPath ? `ready ${c.readinessPath}` : '',
          c.features.migrations ? `migrations: ${c.features.migrations.command}` : '',
          c.features.streaming ? 'streaming' : '',
          c.publishedImage ? `publishes ${c.publishedImage.image}` : '',
        ].filter(Boolean);
        return [
          c.name,
          c.kind,
          framework(c),
          c.port !== undefined ? `:${c.port}` : '-',
          c.path,
          build(c),
          extras.join(', '),
        ];
      }),
    ),
  );

  out.push('', 'Edges');
  if (!model.edges.length) out.push('  (none)');
  for (const e of model.edges)
    out.push(
      `  ${e.from} -> ${e.to}${e.target === 'external' ? ' (external)' : ''}  via ${e.via}${e.envVar ? ` ${e.envVar}` : ''}${e.condition ? ` [${e.condition}]` : ''}`,
    );

  out.push('', 'External services');
  if (!model.externalServices.length) out.push('  (none)');
  out.push(
    ...table(
      model.externalServices.map((x) => [
        x.id,
        x.kind,
        x.hosts.length ? x.hosts.map((h) => `${h}:${x.port}`).join(', ') : `port ${x.port}`,
        `used by ${x.usedBy.join(', ') || '-'}`,
      ]),
    ),
  );

  out.push('', 'Secrets');
  const secrets = model.components.flatMap((c) =>
    c.env.filter((v) => v.classification === 'secret').map((v) => [c.name, v.name, v.reason]),
  );
  if (!secrets.length) out.push('  (none)');
  out.push(...table(secrets));

  out.push('', 'Warnings');
  if (!model.warnings.length) out.push('  (none)');
  for (const w of model.warnings)
    out.push(
      `  ${formatIssue({ ...(w.file ? { file: w.file } : {}), ...(w.line ? { line: w.line } : {}), message: w.message.startsWith(`${w.file}: `) ? w.message.slice((w.file ?? '').length + 2) : w.message })} [${w.code}]`,
    );
  return `${out.join('\n')}\n`;
}
