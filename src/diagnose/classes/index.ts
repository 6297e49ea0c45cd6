/** The registry of failure-class detectors: one per class, run in this order. */
import type { FailureClass } from '../../model/diagnosis';
import type { Detector } from '../context';
import { configMissing } from './config-missing';
import { crashLoop } from './crash-loop';
import { imagePull } from './image-pull';
import { oomKilled } from './oom-killed';

/** Each failure class with the detector that finds it. */
export const DETECTORS: readonly { class: FailureClass; detect: Detector }[] = [
  { class: 'crash-loop', detect: crashLoop },
  { class: 'oom-killed', detect: oomKilled },
  { class: 'image-pull', detect: imagePull },
  { class: 'config-missing', detect: configMissing },
];
