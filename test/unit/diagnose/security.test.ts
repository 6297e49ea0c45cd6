/**
 * No fix of any class loosens a security default: walks every fix of every fixture and checks
 * its config keys are stack settings (never a security context, capability or policy) and its
 * command is one of stackpilot's own, never a kubectl edit that widens or privileges anything.
 */
import { strict as assert } from 'node:assert';
import { ComponentOverrideSchema, EnvironmentConfigSchema } from '../../../src/model/environment';
import type { Fix } from '../../../src/model/diagnosis';
import { FIXTURE_PLANS, FIXTURES } from './fixtures';
import { run } from './support';

/** Keys another change adds to the stack config; a fix may propose them already. */
const LANDING = { top: ['storageClass'], component: ['port', 'healthPath'] };
const TOP_KEYS = new Set([...Object.keys(EnvironmentConfigSchema.shape), ...LANDING.top]);
const COMPONENT_KEYS = new Set([
  ...Object.keys(ComponentOverrideSchema.shape),
  ...LANDING.component,
]);

const LOOSENING =
  /root|privileged|privilege|escalation|readOnlyRootFilesystem|capabilit|NET_BIND|SYS_|hostNetwork|hostPID|hostPath|seccomp|securityContext|networkPolicy|allow-all|runAsUser|runAsNonRoot/i;

function walk(value: unknown, path: string, visit: (path: string, value: unknown) => void) {
  visit(path, value);
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, visit);
}

function fixes(): { where: string; fix: Fix }[] {
  return Object.entries(FIXTURES).flatMap(([name, build]) =>
    run(build(), FIXTURE_PLANS[name]?.())
      .findings.filter((f) => f.fix)
      .map((f) => ({ where: `${name}: ${f.class} ${f.object}`, fix: f.fix! })),
  );
}

describe('diagnose: fixes never loosen security', () => {
  const all = fixes();

  it('has fixes to check from the fixtures of most classes', () => {
    assert.ok(all.length >= 15, `only ${all.length} fixes`);
  });

  it('proposes only stack settings, none of them a security field', () => {
    for (const { where, fix } of all) {
      if (!fix.config) continue;
      for (const key of Object.keys(fix.config)) assert.ok(TOP_KEYS.has(key), `${where}: ${key}`);
      const components = (fix.config.components ?? {}) as Record<string, Record<string, unknown>>;
      for (const [c, o] of Object.entries(components))
        for (const key of Object.keys(o))
          assert.ok(COMPONENT_KEYS.has(key), `${where}: components.${c}.${key}`);
      walk(fix.config, 'config', (path, value) => {
        assert.doesNotMatch(path, LOOSENING, `${where}: ${path}`);
        if (typeof value === 'string') assert.doesNotMatch(value, LOOSENING, `${where}: ${path}`);
      });
      if (typeof components === 'object')
        for (const [c, o] of Object.entries(components)) {
          if (o.port !== undefined)
            assert.ok(Number(o.port) >= 1024, `${where}: ${c} port ${String(o.port)} below 1024`);
        }
    }
  });

  it('runs only stackpilot commands, never one that edits, deletes or widens cluster objects', () => {
    for (const { where, fix } of all) {
      if (!fix.command) continue;
      assert.match(fix.command, /^stackpilot (up|build|rollback|secrets set) /, where);
      assert.doesNotMatch(fix.command, /kubectl|--privileged|--force|delete|patch|edit/, where);
      assert.doesNotMatch(`${fix.summary} ${fix.reason}`, LOOSENING, where);
    }
  });

  it('every fix says why with a figure or a name it observed', () => {
    for (const { where, fix } of all) {
      assert.ok(fix.summary.length > 0 && fix.reason.length > 20, where);
      assert.ok(fix.config || fix.command, `${where}: neither config nor command`);
    }
  });
});
