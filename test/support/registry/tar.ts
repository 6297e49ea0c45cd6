/**
 * A deterministic, uncompressed ustar archive of a few text files: an image layer for tests.
 * Same files, same bytes: entries sorted, parent directories included, owner 0, mtime 0.
 */

const BLOCK = 512;

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100)
    throw new Error(`tar: entry name longer than 100 bytes: ${name}`);
  const field = (offset: number, length: number, value: string): void => {
    h.write(value, offset, length, 'utf8');
  };
  const octal = (offset: number, length: number, value: number): void =>
    field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
  field(0, 100, name);
  octal(100, 8, type === '5' ? 0o755 : 0o644);
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  octal(124, 12, size);
  octal(136, 12, 0); // mtime
  field(148, 8, '        '); // checksum counts as spaces while summing
  field(156, 1, type);
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of h) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** The tar bytes of `files` (relative path → UTF-8 content). */
export function tarOf(files: Record<string, string>): Buffer {
  const entries = new Map<string, string | undefined>(); // undefined: a directory
  for (const [path, content] of Object.entries(files)) {
    const clean = path.replace(/^\/+/, '');
    if (clean === '' || clean.split('/').some((p) => p === '' || p === '.' || p === '..'))
      throw new Error(`tar: not a plain relative path: ${path}`);
    const parts = clean.split('/');
    for (let i = 1; i < parts.length; i++)
      entries.set(parts.slice(0, i).join('/') + '/', undefined);
    entries.set(clean, content);
  }
  const blocks: Buffer[] = [];
  for (const name of [...entries.keys()].sort()) {
    const content = entries.get(name);
    if (content === undefined) {
      blocks.push(header(name, 0, '5'));
      continue;
    }
    const body = Buffer.from(content, 'utf8');
    blocks.push(header(name, body.length, '0'), body);
    const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(2 * BLOCK)); // end of archive
  return Buffer.concat(blocks);
}
