/** Kubernetes resource quantities: parse CPU and memory into numbers, and format them back. */

/** Parses a CPU quantity (`250m`, `0.5`, `2`) into millicores. */
export function parseCpu(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) throw new Error(`invalid cpu quantity "${q}"`);
  return m[2] ? Math.round(Number(m[1])) : Math.round(Number(m[1]) * 1000);
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1 / (1024 * 1024),
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
  k: 1000 / (1024 * 1024),
  M: 1e6 / (1024 * 1024),
  G: 1e9 / (1024 * 1024),
};

/** Parses a memory or storage quantity (`512Mi`, `1Gi`, `1G`) into MiB. */
export function parseMemory(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q.trim());
  if (!m) throw new Error(`invalid memory quantity "${q}"`);
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? '']!;
}

export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${Math.round(millicores)}m`;
}

export function formatMemory(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${Math.round(mib)}Mi`;
}

/** Re-exported so skills import one module for component helpers. */
