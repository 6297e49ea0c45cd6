/** The registry of failure-class detectors: one per class of {@link FailureClass}, run in this order. */
import type { FailureClass } from '../../model/diagnosis';
import type { Detector } from '../context';
import { autoscalerNoMetrics } from './autoscaler-no-metrics';
import { claimUnbound } from './claim-unbound';
import { configMissing } from './config-missing';
import { crashLoop } from './crash-loop';
import { imagePull } from './image-pull';
import { ingressMisconfigured } from './ingress-misconfigured';
import { migrationFailed } from './migration-failed';
import { networkPolicyBlocks } from './network-policy-blocks';
import { noEndpoints } from './no-endpoints';
import { oomKilled } from './oom-killed';
import { probeMismatch } from './probe-mismatch';
import { readiness } from './readiness';
import { rolloutStuck } from './rollout-stuck';
import { unschedulable } from './unschedulable';

/** Each failure class with the detector that finds it. */
export const DETECTORS: readonly { class: FailureClass; detect: Detector }[] = [
  { class: 'crash-loop', detect: crashLoop },
  { class: 'oom-killed', detect: oomKilled },
  { class: 'image-pull', detect: imagePull },
  { class: 'config-missing', detect: configMissing },
  { class: 'unschedulable', detect: unschedulable },
  { class: 'claim-unbound', detect: claimUnbound },
  { class: 'readiness', detect: readiness },
  { class: 'probe-mismatch', detect: probeMismatch },
  { class: 'no-endpoints', detect: noEndpoints },
  { class: 'migration-failed', detect: migrationFailed },
  { class: 'rollout-stuck', detect: rolloutStuck },
  { class: 'autoscaler-no-metrics', detect: autoscalerNoMetrics },
  { class: 'ingress-misconfigured', detect: ingressMisconfigured },
  { class: 'network-policy-blocks', detect: networkPolicyBlocks },
];
