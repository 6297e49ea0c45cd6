/**
 * data-services: the stateful services the app needs. Redis, RabbitMQ and Postgres run
 * in-cluster as single-replica StatefulSets from pinned images with a persistent claim and
 * a headless Service, unless the environment supplies a managed one; external services
 * (Neon, LLM APIs) stay external and become Secrets and egress rules only.
 */
import type { Tier } from '../../model/environment';
import type { NodeOf } from '../../model/plan';
import { decision, type Skill, type SkillContribution } from '../skill';
import {
  containerPorts,
  dataEngine,
  disabledReason,
  isDataComponent,
  isDisabled,
  isManaged,
  portOverrideDecision,
  selectorLabels,
} from './common';
import { dataServiceImage, dataSpec, isPinned } from './data-catalog';

const ID = 'data-services';

/** Claim size of a data service of unknown engine, per tier. */
const GENERIC_STORAGE: Record<Tier, string> = { small: '1Gi', medium: '5Gi', large: '10Gi' };

export const dataServicesSkill: Skill = {
  id: ID,
  needs: [],
  description:
    'Runs the Redis/RabbitMQ/Postgres the app needs as StatefulSets with claims, or leaves them to managed and external services.',
  run({ app, env }) {
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> & {
      nodes: NodeOf<'service'>[];
    } = { facts: {}, nodes: [], decisions: [], warnings: [] };
    for (const d of app.components.filter(isDataComponent)) {
      const engine = dataEngine(d);
      const tier = env.components[d.name]?.tier ?? env.tier;
      if (isDisabled(env, d)) {
        out.facts[d.name] = { controller: 'none' };
        out.decisions.push(
          decision(ID, d.name, 'placement', 'not deployed', disabledReason(env, d), [
            'in-cluster StatefulSet',
          ]),
        );
        continue;
      }
      if (isManaged(env, d)) {
        out.facts[d.name] = { controller: 'none' };
        out.decisions.push(
          decision(
            ID,
            d.name,
            'placement',
            `managed ${engine} supplied by ${env.name}`,
            `stackpilot:managed.${engine} is set: clients read the connection URL from Pulumi secret config, and egress is opened on the service port`,
            ['in-cluster StatefulSet'],
          ),
        );
        continue;
      }
      const image = env.components[d.name]?.image ?? dataServiceImage(app, d);
      if (image && !isPinned(image))
        throw new Error(
          `stackpilot:components.${d.name}.image "${image}" must carry an immutable tag (not latest)`,
        );
      if (!image)
        throw new Error(
          `data component ${d.name} has no pinned image stackpilot knows how to run; pin its image or set stackpilot:components.${d.name}.image`,
        );
      const spec = engine ? dataSpec(engine, d) : undefined;
      const ports = spec ? spec.ports.map((p) => ({ ...p })) : containerPorts(d, env);
      if (!ports.length)
        throw new Error(
          `data component ${d.name} listens on no known port; stackpilot cannot give it a Service`,
        );
      const port = spec ? undefined : portOverrideDecision(ID, d, env);
      if (port) out.decisions.push(port);
      const mountPath = spec?.dataMountPath ?? d.features.volumes?.[0]?.mountPath ?? '/data';
      const storage = spec ? spec.storage[tier] : GENERIC_STORAGE[tier];
      out.facts[d.name] = {
        controller: 'statefulset',
        image,
        command: spec?.command ?? [],
        args: spec?.args ?? [],
        ports,
        configEnv: Object.entries(spec?.configEnv ?? {})
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, value]) => ({ name, value })),
        volumeClaims: [
          {
            name: 'data',
            storage,
            mountPath,
            ...(env.storageClass !== undefined ? { storageClass: env.storageClass } : {}),
          },
        ],
      };
      out.nodes.push({
        id: `service/${d.name}`,
        kind: 'service',
        name: d.name,
        component: d.name,
        skill: ID,
        after: [],
        dependsOn: [],
        spec: {
          selector: selectorLabels(app, env, d.name),
          ports: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name })),
          headless: true,
          annotations: {},
        },
      });
      out.decisions.push(
        decision(
          ID,
          d.name,
          'placement',
          `in-cluster StatefulSet (${image}, 1 replica, ${storage} claim at ${mountPath})`,
          `the app needs ${engine ?? d.kind} and ${env.name} supplies no managed one; a StatefulSet keeps a stable identity and its own claim, the headless Service gives it a stable DNS name, and the image is pinned to a version`,
          [
            `managed ${engine ?? d.kind} (set stackpilot:managed.${engine ?? d.kind})`,
            'Deployment with a shared volume',
          ],
        ),
      );
      if (!engine)
        out.warnings.push(
          `${d.name}: stackpilot does not know ${image}; it runs with TCP probes and is not backed up`,
        );
      else if (env.tier === 'large')
        out.warnings.push(
          `${d.name}: a single-replica in-cluster ${engine} in ${env.name} is a single point of failure; consider stackpilot:managed.${engine}`,
        );
    }
    const claimed = Object.entries(out.facts)
      .filter(([, f]) => f.volumeClaims?.length)
      .map(([name]) => name)
      .sort();
    if (env.storageClass !== undefined && claimed.length)
      out.decisions.push(
        decision(
          ID,
          'environment',
          'storage class',
          `StorageClass ${env.storageClass}`,
          `stackpilot:storageClass is set in ${env.name}: every PersistentVolumeClaim of the plan (the data claims of ${claimed.join(', ')} and the backup volumes) names it instead of leaving the choice to the cluster's default class`,
          ["the cluster's default StorageClass"],
        ),
      );
    for (const s of app.externalServices)
      out.decisions.push(
        decision(
          ID,
          s.id,
          'placement',
          `external (${s.provider})`,
          `${s.provider} is a service the app uses, not one it runs: stackpilot only provides its credentials as Secret entries and opens egress on port ${s.port}`,
          ['in-cluster replacement'],
        ),
      );
    out.nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    return out;
  },
};
