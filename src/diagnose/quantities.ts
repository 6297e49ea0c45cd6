/**
 * Kubernetes resource quantities as a diagnosis needs them: parse cpu into millicores and
 * memory or storage into bytes (every suffix a node or pod spec may carry), compare, and
 * format the values a fix proposes (`1Gi`, `512Mi`, `500m`).
 */

const MI = 1024 * 1024;
const GI = 1024 * MI;

const BINARY: Record<string, number> = {
  Ki: 1024,
  Mi: MI,
  Gi: GI,
  Ti: 1024 * GI,
  Pi: 1024 * 1024 * GI,
  Ei: 1024 * 1024 * 1024 * GI,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** A quantity as a plain number of base units (cores, bytes); undefined when it does not parse. */
function parseQuantity(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m =
    /^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(
      q.trim(),
    );
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return n * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** Millicores of a cpu quantity (`250m` → 250, `2` → 2000); undefined when it does not parse. */
export function parseCpu(q: string | undefined): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.round(v * 1000);
}

/** Bytes of a memory or storage quantity (`512Mi`, `1G`, `16264568Ki`); undefined when it does not parse. */
export function parseBytes(q: string | undefined): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.round(v);
}

/** A cpu amount as a quantity: whole cores plainly, else millicores (`1`, `500m`). */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${Math.round(millicores)}m`;
}

/** Bytes as a binary quantity: `Gi` when whole, else `Mi` rounded up (`1Gi`, `768Mi`). */
export function formatBytes(bytes: number): string {
  if (bytes % GI === 0 && bytes >= GI) return `${bytes / GI}Gi`;
  return `${Math.ceil(bytes / MI)}Mi`;
}

/**
 * A memory amount proposed to replace one that was too small: about twice `bytes`, rounded up
 * to a power-of-two Mi below 1Gi and to whole Gi from there (512Mi → 1Gi, 100Mi → 256Mi,
 * 1.5Gi → 3Gi).
 */
export function doubledMemory(bytes: number): number {
  const want = 2 * bytes;
  if (want <= GI) {
    let mi = 1;
    while (mi * MI < want) mi *= 2;
    return mi * MI;
  }
  return Math.ceil(want / GI) * GI;
}

/**
 * The largest memory request that fits a node with `allocatable` bytes and leaves half of it
 * for the node's other pods: a power-of-two Mi (at least 64Mi).
 */
export function memoryThatFits(allocatable: number): number {
  let mi = 64;
  while (mi * 2 * MI <= allocatable / 2) mi *= 2;
  return mi * MI;
}

/** The largest cpu request that fits a node with `allocatable` millicores and leaves half of it: a multiple of 50m (at least 50m). */
export function cpuThatFits(allocatable: number): number {
  return Math.max(50, Math.floor(allocatable / 2 / 50) * 50);
}
