/**
 * The built-in skills, in no particular order: the orchestrator orders them by `needs`.
 */
import type { Skill } from '../skill';
import { backupSkill } from './backup';
import { containerizeSkill } from './containerize';
import { costSkill } from './cost';
import { dataServicesSkill } from './data-services';
import { exposureSkill } from './exposure';
import { networkingSkill } from './networking';
import { observabilitySkill } from './observability';
import { rolloutSkill } from './rollout';
import { scalingSkill } from './scaling';
import { secretsSkill } from './secrets';
import { securitySkill } from './security';
import { workloadsSkill } from './workloads';

/** Every built-in skill. Frozen: add a skill through `planDeployment`'s `skills` option. */
export const builtinSkills: readonly Skill[] = Object.freeze([
  backupSkill,
  containerizeSkill,
  costSkill,
  dataServicesSkill,
  exposureSkill,
  networkingSkill,
  observabilitySkill,
  rolloutSkill,
  scalingSkill,
  secretsSkill,
  securitySkill,
  workloadsSkill,
]);
