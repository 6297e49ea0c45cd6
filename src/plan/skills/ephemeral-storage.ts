/**
 * Ephemeral-storage requests and limits of a container. With a read-only root filesystem a
 * container writes node-local disk only through its emptyDir volumes and its log files, so the
 * limit is exactly that: the pod's disk-backed scratch space plus the kubelet's log allowance.
 * A pod past the sum of its containers' limits is evicted, so a leak stops at its own pod
 * instead of filling the node; the request, a share of the limit by tier, is what the
 * scheduler reserves.
 */
import type { Tier } from '../../model/environment';
import type { PodVolume } from '../../model/plan';
import { formatMemory, parseMemory } from './quantities';

/**
 * What a container's own logs may take (MiB): the kubelet keeps 5 files of 10Mi by default,
 * with room for the file being rotated.
 */
export const LOG_ALLOWANCE_MIB = 128;

/** What a writable root filesystem may take on top (MiB), when the image cannot run read-only. */
export const WRITABLE_ROOT_ALLOWANCE_MIB = 1024;

/**
 * Share of the limit requested per tier: small environments reserve little of what a pod may
 * write, large ones most of it, so that busy pods are not packed onto a disk they then fill.
 */
export const EPHEMERAL_REQUEST_SHARE: Record<Tier, number> = {
  small: 0.25,
  medium: 0.5,
  large: 0.75,
};

/** Ephemeral-storage request and limit of a container, e.g. `{ request: '192Mi', limit: '384Mi' }`. */
export function ephemeralStorage(
  volumes: readonly PodVolume[],
  tier: Tier,
  readOnlyRoot: boolean,
): { request: string; limit: string } {
  // Memory-backed emptyDirs count against the memory limit, not the node's disk.
  const scratch = volumes
    .map((v) => ('emptyDir' in v && v.emptyDir.medium !== 'Memory' ? v.emptyDir.sizeLimit : ''))
    .filter((s) => s !== '')
    .reduce((sum, s) => sum + parseMemory(s), 0);
  const limit =
    Math.ceil(scratch) + LOG_ALLOWANCE_MIB + (readOnlyRoot ? 0 : WRITABLE_ROOT_ALLOWANCE_MIB);
  const request = Math.ceil(limit * EPHEMERAL_REQUEST_SHARE[tier]);
  return { request: formatMemory(request), limit: formatMemory(limit) };
}
