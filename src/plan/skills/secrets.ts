/**
 * secrets: one Secret per component holding only the keys it references. Values come from
 * Pulumi secret config (`secrets:<NAME>`) or from generated random values the app owns
 * (data-service passwords, session keys), composed into URLs where needed. Never in a
 * ConfigMap, never a value in the plan. Neon: the app reads the pooled URL; its migration
 * Job reads the direct (unpooled) URL from a Secret of its own.
 */
import type { ContainerEnv, NodeOf, SecretPart } from '../../model/plan';
import { decision, type Skill, type SkillContribution } from '../skill';
import {
  appComponents,
  classifyEnv,
  dataComponents,
  dataEngine,
  dataPasswordNode,
  DIRECT_URL_NAMES,
  isDataComponent,
  kebab,
  migratedBy,
  migrationOf,
  sortEnv,
} from './common';
import { DATA_CATALOG } from './data-catalog';

const ID = 'secrets';

/** Length of generated values: 32 alphanumerics ≈ 190 bits, URL-safe without escaping. */
const GENERATED = { length: 32, special: false } as const;

/** Default Pulumi config key of Neon's direct URL when the app does not name one. */
export const DEFAULT_DIRECT_URL_KEY = 'DATABASE_URL_UNPOOLED';

type Entry = { key: string; parts: SecretPart[] };

function describeParts(parts: SecretPart[]): string {
  return parts
    .map((p) => ('config' in p ? p.config : 'generated' in p ? p.generated : 'text'))
    .filter((p) => p !== 'text')
    .join(' + ');
}

export const secretsSkill: Skill = {
  id: ID,
  needs: ['data-services'],
  description:
    'One Secret per component with only the keys it reads, from Pulumi secret config or generated values.',
  run({ app, env }) {
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> & {
      nodes: Array<NodeOf<'secret'> | NodeOf<'generated-secret'>>;
    } = { facts: {}, nodes: [], decisions: [], warnings: [] };
    const generated = new Set<string>();
    const secretNode = (name: string, component: string, entries: Entry[]): NodeOf<'secret'> => ({
      id: `secret/${name}`,
      kind: 'secret',
      name,
      component,
      skill: ID,
      after: [],
      dependsOn: [],
      spec: { entries: [...entries].sort((a, b) => (a.key < b.key ? -1 : 1)) },
    });
    const envOf = (secret: string, entries: Entry[]): ContainerEnv[] =>
      sortEnv(entries.map((e) => ({ name: e.key, secret: { name: secret, key: e.key } })));

    for (const d of dataComponents(app, env)) {
      const engine = dataEngine(d);
      if (!engine) continue;
      const node = dataPasswordNode(d.name);
      generated.add(node);
      const entries = DATA_CATALOG[engine].passwordEnv.map((key) => ({
        key,
        parts: [{ generated: node }],
      }));
      out.nodes.push(secretNode(d.name, d.name, entries));
      out.facts[d.name] = { secretEnv: envOf(d.name, entries), migrationSecretEnv: [] };
      out.decisions.push(
        decision(
          ID,
          d.name,
          'credentials',
          `generated password (${node}) in Secret ${d.name}`,
          `the app owns this ${engine}, so nobody needs to type its password: it is generated once, kept encrypted in the Pulumi state and shared with the clients through their own Secrets`,
          ['password in Pulumi secret config', 'no authentication'],
        ),
      );
    }

    for (const c of appComponents(app, env)) {
      const entries: Entry[] = [];
      const neonVars: string[] = [];
      const direct =
        c.env.find((v) => DIRECT_URL_NAMES.includes(v.name))?.name ?? DEFAULT_DIRECT_URL_KEY;
      // A job component that runs another component's migrations connects directly too.
      const migrates =
        !isDataComponent(c) && c.kind === 'job' ? migratedBy(app, env, c) : undefined;
      for (const v of c.env) {
        const route = classifyEnv(app, env, c, v);
        let parts: SecretPart[] | undefined;
        if (route.kind === 'secret-config') {
          parts = [{ config: route.configKey }];
          const ext = app.externalServices.find((s) => s.id === route.target);
          if (
            ext?.kind === 'postgres' &&
            ext.provider === 'neon' &&
            !DIRECT_URL_NAMES.includes(v.name)
          ) {
            neonVars.push(v.name);
            if (migrates) parts = [{ config: `secrets:${direct}` }];
          }
        } else if (route.kind === 'secret-generated') {
          parts = [{ generated: route.node }];
          generated.add(route.node);
        } else if (route.kind === 'secret-parts') {
          parts = route.parts;
          for (const p of route.parts) if ('generated' in p) generated.add(p.generated);
        } else if (route.kind === 'skip') {
          out.warnings.push(`${c.name}: ${v.name} is not set: ${route.reason}`);
        }
        if (parts) entries.push({ key: v.name, parts });
        if (parts && env.components[c.name]?.env?.[v.name] !== undefined)
          out.warnings.push(
            `${c.name}: ignoring stackpilot:components.${c.name}.env.${v.name}: secret values come from secrets:${v.name}, never from plain stack settings`,
          );
      }
      if (entries.length) {
        out.nodes.push(secretNode(c.name, c.name, entries));
        out.decisions.push(
          decision(
            ID,
            c.name,
            'secret',
            `Secret ${c.name} with ${entries
              .map((e) => e.key)
              .sort()
              .join(', ')}`,
            `only the keys ${c.name} reads, from ${[...new Set(entries.map((e) => describeParts(e.parts)))].sort().join(', ')}; mounted as env from a Secret, never a ConfigMap`,
            ['one shared Secret for the app', 'ConfigMap'],
          ),
        );
      }
      if (migrates && neonVars.length)
        out.decisions.push(
          decision(
            ID,
            c.name,
            'database URLs',
            `direct URL (secrets:${direct}) for ${neonVars.join(', ')}`,
            `${c.name} runs ${migrates.name}'s migrations, which need a session-level connection that Neon's pooler does not give`,
            ['pooled URL'],
          ),
        );
      let migrationSecretEnv: ContainerEnv[] = [];
      if (migrationOf(app, env, c)?.own && neonVars.length) {
        const migrate = `${c.name}-migrate`;
        const migrateEntries = neonVars.map((key) => ({
          key,
          parts: [{ config: `secrets:${direct}` }],
        }));
        out.nodes.push(secretNode(migrate, c.name, migrateEntries));
        migrationSecretEnv = envOf(migrate, migrateEntries);
        out.decisions.push(
          decision(
            ID,
            c.name,
            'database URLs',
            `app: pooled ${neonVars.join(', ')} (secrets:${neonVars[0]}); migrations: direct URL (secrets:${direct}) in Secret ${migrate}`,
            `Neon's pooler (PgBouncer in transaction mode) suits many short app connections but breaks the session-level locks and DDL transactions ${c.features.migrations!.tool} relies on, so the migration Job connects directly; only the Job can read the direct URL`,
            ['direct URL everywhere', 'pooled URL for migrations'],
          ),
        );
      }
      out.facts[c.name] = { secretEnv: envOf(c.name, entries), migrationSecretEnv };
    }

    for (const id of [...generated].sort()) {
      const name = id.slice('generated-secret/'.length);
      out.nodes.push({
        id,
        kind: 'generated-secret',
        name: kebab(name),
        skill: ID,
        after: [],
        dependsOn: [],
        spec: { ...GENERATED },
      });
    }
    out.nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    return out;
  },
};
