/**
 * claim-unbound: a PersistentVolumeClaim that stays Pending. The StorageClass it names is
 * missing, or it names none and the cluster has no default, or its class has no provisioner
 * and no volume matches. A WaitForFirstConsumer claim no pod uses yet is not a failure.
 */
import type { Finding, Fix } from '../../model/diagnosis';
import type { ClaimSnapshot, StorageClassSnapshot } from '../../model/snapshot';
import { ref, unreadable, type DiagnoseContext } from '../context';
import { eventEvidence } from '../evidence';
import { configFix } from '../fixes';
import { componentOf, decisionOf, nodeOf } from '../link';
import { consumersOf, waitsForConsumerEvent } from '../pods';

const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** One finding per Pending claim that will not bind by itself. */
export function claimUnbound(ctx: DiagnoseContext): Finding[] {
  if (unreadable(ctx, 'StorageClass')) return [];
  return ctx.snap.claims
    .filter((c) => c.phase === 'Pending')
    .map((c) => finding(ctx, c))
    .filter((f): f is Finding => f !== undefined);
}

function finding(ctx: DiagnoseContext, claim: ClaimSnapshot): Finding | undefined {
  const { plan, snap } = ctx;
  const classes = snap.storageClasses;
  const named = claim.storageClass;
  const cls = named ? classes.find((c) => c.name === named) : classes.find((c) => c.isDefault);
  const consumers = consumersOf(snap, claim.name);
  const waiting =
    cls?.bindingMode === 'WaitForFirstConsumer' || waitsForConsumerEvent(snap, claim.name);
  if (waiting && !consumers.length) return undefined;
  if (cls && cls.provisioner !== NO_PROVISIONER && waiting) return undefined;

  const node = nodeOf(plan, 'PersistentVolumeClaim', claim.name);
  const component = componentOf(plan, 'PersistentVolumeClaim', claim.name);
  const decision =
    node?.kind === 'volume'
      ? decisionOf(plan, component, ['backup', 'backup'], ['data-services', 'placement'])
      : decisionOf(plan, component, ['data-services', 'placement'], ['backup', 'backup']);
  const existing = classes.map((c) => `${c.name}${c.isDefault ? ' (default)' : ''}`).join(', ');
  const evidence = [
    `status.phase: ${claim.phase}`,
    `spec.storageClassName: ${named ?? '(none)'}`,
    ...(claim.requested ? [`spec.resources.requests.storage: ${claim.requested}`] : []),
    ...eventEvidence(ctx, 'PersistentVolumeClaim', claim.name),
    `StorageClasses: ${existing || '(none)'}`,
    ...(consumers.length ? [`used by pods ${consumers.map((p) => p.name).join(', ')}`] : []),
  ];
  const base = {
    class: 'claim-unbound' as const,
    ...(component ? { component } : {}),
    object: ref(ctx, 'PersistentVolumeClaim', claim.name),
    evidence,
    ...(decision ? { decision } : {}),
  };
  const fix = classFix(classes, claim);
  if (!classes.length)
    return {
      ...base,
      cause:
        'the cluster has no StorageClass at all: install a storage provisioner (e.g. local-path-provisioner) or create PersistentVolumes by hand',
    };
  if (named && !cls)
    return {
      ...base,
      cause: `StorageClass ${named} does not exist (the cluster has: ${existing})`,
      ...(fix ? { fix } : {}),
    };
  if (!cls)
    return {
      ...base,
      cause: `the claim names no StorageClass and the cluster has no default one (it has: ${existing})${fix ? '' : ': set stackpilot:storageClass to one of them'}`,
      ...(fix ? { fix } : {}),
    };
  if (cls.provisioner === NO_PROVISIONER)
    return {
      ...base,
      cause: `StorageClass ${cls.name} has no provisioner and no PersistentVolume matches the claim${claim.requested ? ` (${claim.requested})` : ''}: create a matching PersistentVolume, or use a class that provisions`,
    };
  return {
    ...base,
    cause: `StorageClass ${cls.name} (${cls.provisioner}) has not provisioned a volume: its events say why`,
  };
}

/** `stackpilot:storageClass: <class>`: the default class, else the only one; none when neither exists. */
function classFix(classes: StorageClassSnapshot[], claim: ClaimSnapshot): Fix | undefined {
  const usable = classes.filter((c) => c.provisioner !== NO_PROVISIONER);
  const pick = usable.find((c) => c.isDefault) ?? (usable.length === 1 ? usable[0] : undefined);
  if (!pick || pick.name === claim.storageClass) return undefined;
  return configFix(
    { storageClass: pick.name },
    `the claim asks for ${claim.storageClass ? `StorageClass ${claim.storageClass}, which does not exist` : 'the default StorageClass, which the cluster does not have'}; ${pick.name} is ${pick.isDefault ? "the cluster's default" : 'its only class'} (${pick.provisioner}). A claim's class cannot change in place: delete the Pending claim, then \`stackpilot up\``,
  );
}
