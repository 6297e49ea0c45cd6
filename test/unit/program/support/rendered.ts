/**
 * What the real engine's render wrote, read back, and the one normalization needed to compare
 * it with objects from elsewhere (recordings, `helm template`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { Manifest } from './manifests';

/**
 * The provider's YAML writer leaves out zero and empty values of `omitempty` fields; these are
 * the ones the program sets, and for each the API default is that same zero, so dropping them
 * from the recorded side compares like with like (`maxUnavailable: 0` is an int-or-string and
 * is kept by the writer, so it is still compared).
 */
const OMITTED_WHEN_EMPTY = new Set([
  'initialDelaySeconds',
  'minReadySeconds',
  'matchLabels',
  'annotations',
]);
export function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropEmpty);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(
          ([k, x]) =>
            !(
              OMITTED_WHEN_EMPTY.has(k) &&
              (x === 0 || (typeof x === 'object' && x !== null && !Object.keys(x).length))
            ),
        )
        .map(([k, x]) => [k, dropEmpty(x)]),
    );
  }
  return v;
}

/** The objects of a render directory (`0-crd/`, `1-manifest/`), each with its file and text. */
export function readRendered(
  dir: string,
): Array<{ file: string; text: string; manifest: Manifest }> {
  return ['0-crd', '1-manifest']
    .map((d) => path.join(dir, d))
    .filter((d) => fs.existsSync(d))
    .flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f)))
    .map((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return { file, text, manifest: parse(text) as Manifest };
    });
}
