/**
 * A small TypeScript expression printer for the ejected source. It lays out expressions the
 * way prettier does with the repository's settings (print width 100, single quotes, trailing
 * commas): a group stays on one line when it fits and breaks one element per line when it does
 * not, so the generated project is already formatted and stays unchanged under `prettier`.
 */

/** Print width, as in the repository's `.prettierrc.json`. */
export const PRINT_WIDTH = 100;

/** An expression of the generated source. */
export type Expr =
  | { t: 'lit'; v: string | number | boolean }
  /** Code printed as is and never broken: identifiers, member accesses, template literals. */
  | { t: 'raw'; code: string }
  | { t: 'arr'; items: Expr[] }
  | { t: 'obj'; props: Prop[] }
  | { t: 'call'; callee: string; args: Expr[]; isNew?: boolean };

/** An object property: `key: value`, or a shorthand `name`. */
export type Prop = { key: string; value: Expr } | { shorthand: string };

export const lit = (v: string | number | boolean): Expr => ({ t: 'lit', v });
export const raw = (code: string): Expr => ({ t: 'raw', code });

/** Prints `e` starting at column `col`, with `suffix` characters following it on its last line. */
export function print(e: Expr, indent: number, col: number, suffix: number): string {
  const f = flat(e);
  if (f !== undefined && col + f.length + suffix <= PRINT_WIDTH) return f;
  switch (e.t) {
    case 'lit':
    case 'raw':
      return f ?? '';
    case 'arr':
      return broken('[', ']', e.items, indent, (item, i) => print(item, i, i, 1));
    case 'obj':
      return broken('{', '}', e.props, indent, (p, i) => printProp(p, i));
    case 'call':
      return printCall(e, indent, col);
  }
}

/** A statement `<head><expression>;`, e.g. head `const x = `. */
export function printStatement(head: string, e: Expr): string {
  const printed = print(e, 0, head.length, 1);
  // Like prettier, a string too long for the line moves below the `=`.
  if (e.t === 'lit' && typeof e.v === 'string' && head.length + printed.length + 1 > PRINT_WIDTH) {
    return `${head.trimEnd()}\n  ${printed};`;
  }
  return `${head}${printed};`;
}

/** A string literal as prettier quotes it: single quotes unless that needs more escapes. */
export function quote(s: string): string {
  const singles = (s.match(/'/g) ?? []).length;
  const doubles = (s.match(/"/g) ?? []).length;
  const q = singles > doubles ? '"' : "'";
  const body = s.replace(/[\\\n\r\t\u2028\u2029]/g, (c) => ESCAPES[c] ?? c);
  return q + body.split(q).join(`\\${q}`) + q;
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** An object key: bare when it is an identifier, quoted otherwise. */
export function key(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : quote(k);
}

/** The one-line form, or undefined where prettier always breaks (arrays of rich objects). */
function flat(e: Expr): string | undefined {
  switch (e.t) {
    case 'lit':
      return typeof e.v === 'string' ? quote(e.v) : String(e.v);
    case 'raw':
      return e.code;
    case 'arr': {
      if (alwaysBreaks(e)) return undefined;
      const items = e.items.map(flat);
      return items.every((i) => i !== undefined) ? `[${items.join(', ')}]` : undefined;
    }
    case 'obj': {
      if (!e.props.length) return '{}';
      const props = e.props.map((p) => {
        if ('shorthand' in p) return p.shorthand;
        const v = flat(p.value);
        return v === undefined ? undefined : `${key(p.key)}: ${v}`;
      });
      return props.every((p) => p !== undefined) ? `{ ${props.join(', ')} }` : undefined;
    }
    case 'call': {
      const args = e.args.map(flat);
      if (!args.every((a) => a !== undefined)) return undefined;
      return `${e.isNew ? 'new ' : ''}${e.callee}(${args.join(', ')})`;
    }
  }
}

/** Prettier breaks an array of two or more objects (or arrays) that each hold more than one entry. */
function alwaysBreaks(e: Extract<Expr, { t: 'arr' }>): boolean {
  return (
    e.items.length > 1 &&
    e.items.every(
      (i) =>
        (i.t === 'obj' && i.props.length > 1) ||
        (i.t === 'arr' && i.items.length > 1 && i.t === e.items[0]?.t),
    ) &&
    e.items.every((i) => i.t === e.items[0]?.t)
  );
}

function broken<T>(
  open: string,
  close: string,
  items: readonly T[],
  indent: number,
  printItem: (item: T, indent: number) => string,
): string {
  if (!items.length) return open + close;
  const inner = indent + 2;
  const lines = items.map((item) => `${pad(inner)}${printItem(item, inner)},\n`);
  return `${open}\n${lines.join('')}${pad(indent)}${close}`;
}

function printProp(p: Prop, indent: number): string {
  if ('shorthand' in p) return p.shorthand;
  const head = `${key(p.key)}: `;
  const value = print(p.value, indent, indent + head.length, 1);
  // A string that does not fit after its key moves to its own line (prettier's
  // break-after-operator layout), unless the key is shorter than tab width + 3, where the
  // move would gain too little.
  if (
    p.value.t === 'lit' &&
    typeof p.value.v === 'string' &&
    key(p.key).length >= 5 &&
    indent + head.length + value.length + 1 > PRINT_WIDTH
  ) {
    return `${key(p.key)}:\n${pad(indent + 2)}${value}`;
  }
  return head + value;
}

function printCall(e: Extract<Expr, { t: 'call' }>, indent: number, col: number): string {
  const head = `${e.isNew ? 'new ' : ''}${e.callee}(`;
  const last = e.args[e.args.length - 1];
  const before = e.args.slice(0, -1);
  const penultimate = before[before.length - 1];
  const huggable =
    last !== undefined &&
    (last.t === 'obj' || last.t === 'arr') &&
    (last.t === 'obj' ? last.props.length > 0 : last.items.length > 0) &&
    (penultimate === undefined || penultimate.t !== last.t);
  if (huggable) {
    const firsts = before.map(flat);
    if (firsts.every((a) => a !== undefined)) {
      const start = head + firsts.map((a) => `${a}, `).join('');
      if (col + start.length + 1 <= PRINT_WIDTH) {
        const open = last.t === 'obj' ? '{' : '[';
        const close = last.t === 'obj' ? '}' : ']';
        const body =
          last.t === 'obj'
            ? broken(open, close, last.props, indent, (p, i) => printProp(p, i))
            : broken(open, close, last.items, indent, (item, i) => print(item, i, i, 1));
        return `${start}${body})`;
      }
    }
  }
  return `${head}\n${e.args.map((a) => `${pad(indent + 2)}${print(a, indent + 2, indent + 2, 1)},\n`).join('')}${pad(indent)})`;
}

function pad(n: number): string {
  return ' '.repeat(n);
}
