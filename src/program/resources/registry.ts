/**
 * The one table from plan node kind to its mapper. A kind without a mapper is a compile error
 * (the table is typed over every `PlanNodeKind`), so a new node kind cannot be forgotten here.
 */
import type { PlanNode, PlanNodeKind } from '../../model/plan';
import type { MappedResource } from '../decl';
import type { MapContext, Mapper } from './context';
import { mapAutoscaler } from './autoscaler';
import { mapConfig } from './config';
import { mapCronJob } from './cron-job';
import { mapDisruptionBudget } from './disruption-budget';
import { mapGeneratedSecret } from './generated-secret';
import { mapJob } from './job';
import { mapNamespace } from './namespace';
import { mapNetworkPolicy } from './network-policy';
import { mapRoute } from './route';
import { mapSecret } from './secret';
import { mapService } from './service';
import { mapServiceAccount } from './service-account';
import { mapServiceMonitor } from './service-monitor';
import { mapVolume } from './volume';
import { mapWorkload } from './workload';

/** Mapper of every node kind. */
export const MAPPERS: { readonly [K in PlanNodeKind]: Mapper<K> } = {
  namespace: mapNamespace,
  'service-account': mapServiceAccount,
  config: mapConfig,
  secret: mapSecret,
  'generated-secret': mapGeneratedSecret,
  volume: mapVolume,
  workload: mapWorkload,
  job: mapJob,
  'cron-job': mapCronJob,
  service: mapService,
  route: mapRoute,
  'network-policy': mapNetworkPolicy,
  autoscaler: mapAutoscaler,
  'disruption-budget': mapDisruptionBudget,
  'service-monitor': mapServiceMonitor,
};

/** Maps one node through the table. */
export function mapNode(node: PlanNode, ctx: MapContext): MappedResource {
  // The table is indexed by the node's own kind, so the mapper's node type matches.
  const mapper = MAPPERS[node.kind] as Mapper<PlanNode['kind']>;
  return (mapper as (n: PlanNode, c: MapContext) => MappedResource)(node, ctx);
}
