/**
 * Template tree → template text. Block-style YAML with two-space indents, literal strings plain
 * where YAML 1.1 (Helm's parser) reads them back unchanged and JSON-quoted otherwise, values
 * written with `toJson` (scalars and lists) or `toYaml | nindent` (maps), and optional fields
 * inside `hasKey` guards.
 */
import { pieces, type Piece } from './tokens';
import type { TEntry, TNode } from './tree';

/** Names the emitter needs: the chart name (for helper names) and the values map variable. */
export interface EmitContext {
  chart: string;
}

/** The lines of a map's entries at `indent`. */
export function mapLines(ctx: EmitContext, entries: TEntry[], indent: number): string[] {
  return entries.flatMap((e) => entryLines(ctx, e, indent));
}

function entryLines(ctx: EmitContext, e: TEntry, indent: number): string[] {
  const lines = keyed(ctx, e.key, e.node, indent);
  if (!e.guard) return lines;
  const pad = ' '.repeat(indent);
  const last = e.guard[e.guard.length - 1]!;
  return [
    `${pad}{{- if hasKey ${valueExpr(e.guard.slice(0, -1))} ${quote(last)} }}`,
    ...lines,
    `${pad}{{- end }}`,
  ];
}

function keyed(ctx: EmitContext, key: string, node: TNode, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const k = `${pad}${scalarText(key)}:`;
  switch (node.t) {
    case 'map':
      return node.entries.length ? [k, ...mapLines(ctx, node.entries, indent + 2)] : [`${k} {}`];
    case 'list':
      return node.items.length
        ? [k, ...node.items.flatMap((i) => itemLines(ctx, i, indent + 2))]
        : [`${k} []`];
    case 'labels': {
      const extra = Object.entries(node.extra).map(
        ([x, v]) => `${' '.repeat(indent + 2)}${scalarText(x)}: ${scalarText(v)}`,
      );
      return [
        k,
        `${' '.repeat(indent + 2)}{{- include "${ctx.chart}.labels" (dict${node.name ? ` "name" ${quote(node.name)}` : ''}) | nindent ${indent + 2} }}`,
        ...extra,
      ];
    }
    case 'value':
      return node.tree
        ? [`${k} {{- ${valueExpr(node.key)} | toYaml | nindent ${indent + 2} }}`]
        : [`${k} ${inline(ctx, node)}`];
    default:
      return [`${k} ${inline(ctx, node)}`];
  }
}

function itemLines(ctx: EmitContext, node: TNode, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (node.t === 'map') {
    if (!node.entries.length) return [`${pad}- {}`];
    const lines = mapLines(ctx, node.entries, indent + 2);
    if (node.entries[0]!.guard) return [`${pad}-`, ...lines];
    return [`${pad}- ${lines[0]!.slice(indent + 2)}`, ...lines.slice(1)];
  }
  if (node.t === 'list') {
    return node.items.length
      ? [`${pad}-`, ...node.items.flatMap((i) => itemLines(ctx, i, indent + 2))]
      : [`${pad}- []`];
  }
  return [`${pad}- ${inline(ctx, node)}`];
}

/** A node written on one line: a scalar, a value, an image or a Secret name. */
function inline(ctx: EmitContext, node: TNode): string {
  switch (node.t) {
    case 'literal':
      return typeof node.value === 'string'
        ? stringText(ctx, node.value)
        : JSON.stringify(node.value);
    case 'value':
      return `{{ ${valueExpr(node.key)} | toJson }}`;
    case 'image':
      return `{{ include "${ctx.chart}.image" ${valueExpr(node.key)} | toJson }}`;
    case 'secretName':
      return `{{ include "${ctx.chart}.secretName" (dict "root" $ "name" ${quote(node.secret)}) | toJson }}`;
    default:
      throw new Error(`cannot write a ${node.t} inline`);
  }
}

/** A map of (tokenized) strings as `key: value` lines at `indent`. */
export function stringMapLines(
  ctx: EmitContext,
  map: { readonly [key: string]: string },
  indent: number,
): string[] {
  return Object.entries(map).map(
    ([k, v]) => `${' '.repeat(indent)}${scalarText(k)}: ${stringText(ctx, v)}`,
  );
}

/** The template expression of a key of the object's values map `$v`. */
export function valueExpr(key: string[]): string {
  return key.length ? `(index $v ${key.map(quote).join(' ')})` : '$v';
}

/** A Go template string literal. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/** A tokenized string: plain or quoted text, with each token as its template expression. */
function stringText(ctx: EmitContext, s: string): string {
  const ps = pieces(s);
  if (ps.length === 1 && typeof ps[0] === 'string') return scalarText(ps[0]);
  const token = (p: Exclude<Piece, string>) =>
    p.token === 'namespace'
      ? '{{ $.Release.Namespace }}'
      : `{{ include "${ctx.chart}.instance" $ }}`;
  if (ps.length === 1) return token(ps[0] as Exclude<Piece, string>);
  return `"${ps.map((p) => (typeof p === 'string' ? quotedBody(p) : token(p))).join('')}"`;
}

/** Words YAML 1.1 reads as booleans or null, which must stay quoted. */
const YAML11_WORDS = /^(y|n|yes|no|on|off|true|false|null|~)$/i;

/** A literal string as YAML text (a key or a value), escaped for the template engine. */
export function scalarText(s: string): string {
  if (/^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(s) && !YAML11_WORDS.test(s)) return s;
  return `"${quotedBody(s)}"`;
}

/** The inside of a double-quoted string, with `{{` written so the template engine prints it. */
function quotedBody(s: string): string {
  return JSON.stringify(s).slice(1, -1).replaceAll('{{', '{{ "{{" }}');
}
