/**
 * rollout: how a new release replaces the old one, and how to undo it. Rolling updates
 * never drop below the desired capacity; blue-green (when the environment asks) runs two
 * colours of each served component, points the Service at the active one, and keeps the
 * previous release warm on the standby colour so that switching back is one selector change.
 */
import type { Component } from '../../model/app';
import type { Environment } from '../../model/environment';
import type { DeploymentPlan, RolloutPlan } from '../../model/plan';
import { decision, type ComponentFacts, type Skill, type SkillContribution } from '../skill';
import { factsOf, inClusterComponents, isDataComponent, isSingleton, servesHttp } from './common';
import { DATA_CATALOG, dataEngine } from './data-catalog';

const ID = 'rollout';

type Color = 'blue' | 'green';
const other = (c: Color): Color => (c === 'blue' ? 'green' : 'blue');

/** Whether a component gets two colours under blue-green: stateless HTTP Deployments only. */
export function hasColors(c: Component, env: Environment): boolean {
  return env.rollout === 'blue-green' && !isDataComponent(c) && servesHttp(c);
}

/** The image component `name` ran on colour `color` in a previous plan; none when that colour was idle. */
function previousImage(prev: DeploymentPlan, name: string, color: Color): string | undefined {
  const node = prev.nodes.find((n) => n.id === `workload/${name}-${color}`);
  if (node?.kind !== 'workload' || node.spec.replicas === 0) return undefined;
  return node.spec.template.containers.find((c) => c.name === name)?.image;
}

function gracePeriod(c: Component): number {
  const engine = dataEngine(c);
  if (isDataComponent(c) && engine) return DATA_CATALOG[engine].terminationGracePeriodSeconds;
  if (c.kind === 'chatbot' || c.features.streaming) return 120;
  if (c.kind === 'worker') return 60;
  return 30;
}

const HISTORY: Record<Environment['tier'], number> = { small: 3, medium: 5, large: 10 };

export const rolloutSkill: Skill = {
  id: ID,
  needs: ['containerize'],
  description: 'Rolling-update parameters or blue-green colours, and the rollback steps.',
  run(input) {
    const { app, env } = input;
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> = {
      facts: {},
      decisions: [],
      warnings: [],
    };
    const components = inClusterComponents(app, env).filter(
      (c) => isDataComponent(c) || c.kind !== 'job',
    );
    const colored = components.filter((c) => hasColors(c, env));

    // Blue-green: which colour gets this release.
    let prev = input.previous;
    if (prev && (prev.app !== app.name || prev.environment !== env.name)) {
      out.warnings.push(
        `previous plan is for ${prev.app}/${prev.environment}, not ${app.name}/${env.name}; ignored`,
      );
      prev = undefined;
    }
    const prevActive =
      prev?.rollout.strategy === 'blue-green' ? prev.rollout.activeColor : undefined;
    let active: Color = 'blue';
    if (prev && prevActive) {
      const changed = colored.some(
        (c) => previousImage(prev!, c.name, prevActive) !== factsOf(input, c.name).image,
      );
      active = changed ? other(prevActive) : prevActive;
    }
    const minReady = env.tier === 'small' ? 0 : env.tier === 'medium' ? 5 : 10;

    for (const c of components) {
      const facts: Partial<ComponentFacts> = {
        minReadySeconds: minReady,
        terminationGracePeriodSeconds: gracePeriod(c),
        revisionHistoryLimit: HISTORY[env.tier],
        progressDeadlineSeconds: 600,
      };
      if (isDataComponent(c)) {
        facts.strategy = { type: 'rolling', maxSurge: 0, maxUnavailable: 1 };
        out.decisions.push(
          decision(
            ID,
            c.name,
            'update strategy',
            'StatefulSet rolling update, one pod at a time',
            'a single-instance data service cannot run two copies on one claim; the update restarts it in place (brief downtime, clients reconnect)',
            ['OnDelete'],
          ),
        );
      } else if (isSingleton(c)) {
        facts.strategy = { type: 'recreate' };
        out.decisions.push(
          decision(
            ID,
            c.name,
            'update strategy',
            'recreate',
            'a scheduler must never run twice, not even for the seconds a rolling update overlaps old and new pods',
            ['rolling'],
          ),
        );
      } else {
        facts.strategy = { type: 'rolling', maxSurge: '25%', maxUnavailable: 0 };
        out.decisions.push(
          decision(
            ID,
            c.name,
            'update strategy',
            'rolling, maxSurge 25%, maxUnavailable 0',
            `new pods must ${servesHttp(c) || isDataComponent(c) ? 'pass readiness' : 'pass their startup check'}${minReady ? ` and stay ready for ${minReady}s` : ''} before an old one goes, so capacity never drops; the grace period of ${facts.terminationGracePeriodSeconds}s lets in-flight ${c.kind === 'worker' ? 'tasks' : 'requests'} finish`,
            ['recreate', 'maxUnavailable 25%'],
          ),
        );
      }
      if (hasColors(c, env)) {
        const standbyImage =
          prev && prevActive
            ? previousImage(prev, c.name, active === prevActive ? other(active) : prevActive)
            : undefined;
        facts.blueGreen = { active, ...(standbyImage ? { standbyImage } : {}) };
        out.decisions.push(
          decision(
            ID,
            c.name,
            'blue-green',
            `${active} active${standbyImage ? `, ${other(active)} keeps ${standbyImage}` : `, ${other(active)} idle at 0 replicas`}`,
            standbyImage
              ? 'the previous release stays running on the standby colour, so switching back is one Service selector change with no pods to start'
              : 'first blue-green release: there is no previous release to keep on the standby colour',
            ['rolling update'],
          ),
        );
      }
      out.facts[c.name] = facts;
    }

    const deployments = components.filter((c) => !isDataComponent(c)).map((c) => c.name);
    const migrating = components.filter((c) => c.features.migrations);
    const steps: string[] = [];
    if (env.rollout === 'blue-green' && colored.length) {
      steps.push(
        prevActive
          ? `Switch back instantly: point the Services (${colored.map((c) => c.name).join(', ')}) at the ${other(active)} colour, which still runs the previous images — \`stackpilot rollback --env ${env.name}\` re-applies the previous plan, or by hand: kubectl -n ${env.namespace} patch service <name> -p '{"spec":{"selector":{"stackpilot.dev/color":"${other(active)}"}}}'.`
          : `First blue-green release: nothing runs on the ${other(active)} colour yet, so roll back with \`stackpilot rollback --env ${env.name}\` (previous stack version).`,
      );
    }
    steps.push(
      `Roll back everything to the previous stack version: \`stackpilot rollback --env ${env.name}\` (images, config and Secrets return together through Pulumi's history).`,
    );
    if (deployments.length)
      steps.push(
        `Without the engine: kubectl -n ${env.namespace} rollout undo deployment/<name> for ${deployments.join(', ')} (the last ${HISTORY[env.tier]} revisions are kept).`,
      );
    for (const c of migrating)
      steps.push(
        `${c.name} migrations (${c.features.migrations!.tool}) do not roll back by themselves: keep them backward compatible (expand, then contract a release later); to revert a schema change run the previous image's downgrade (e.g. \`alembic downgrade -1\`) as a one-off Job.`,
      );
    steps.push(
      env.autoRollback
        ? `Automatic: a failed apply in ${env.name} rolls back to the last good version without waiting for anyone.`
        : `Automatic rollback is off in ${env.name}: a failed apply leaves the partial state for inspection.`,
    );
    const rollout: RolloutPlan = {
      strategy: env.rollout,
      ...(env.rollout === 'blue-green' ? { activeColor: active } : {}),
      autoRollback: env.autoRollback,
      rollbackSteps: steps,
    };
    out.decisions.push(
      decision(
        ID,
        'environment',
        'rollout strategy',
        env.rollout === 'blue-green' ? `blue-green, ${active} active` : 'rolling update',
        env.rollout === 'blue-green'
          ? `${env.name} asks for blue-green: two full colours cost double while both run, but switching back is instant`
          : `rolling updates need no spare capacity beyond the surge and roll back with one command`,
        env.rollout === 'blue-green' ? ['rolling update'] : ['blue-green', 'canary'],
      ),
    );
    return { ...out, sections: { rollout } };
  },
};
