/**
 * Components that support development rather than serve the app: test harnesses (a `tests/`,
 * `e2e/`, Cypress or Playwright folder), load generators (Locust, k6, a `loadgenerator`), dev
 * mail catchers (MailHog, Mailpit, MailDev) and database admin UIs (Adminer, pgAdmin, phpMyAdmin,
 * mongo-express, Redis Commander, RedisInsight). Each stays in the model with
 * `features.optional` (its role, the reason and the evidence); planning leaves it out unless an
 * environment sets `stackpilot:components.<name>.disabled: false`.
 */
import type { Features } from '../model/app';
import { PRIORITY, type Draft, type Loc } from './draft';
import { imageRepository } from './detectors/datastores';

type Optional = NonNullable<Features['optional']>;

const TEST_PATH = /(^|\/)(tests?|e2e|integration-tests?|cypress|playwright)(\/|$)/i;
const TEST_NAME = /^(tests?|e2e|.+-(e2e|tests?)|(e2e|tests?)-.+)$/;
const LOAD_NAME = /(^|[/-])(load-?gen(erator)?|locust|k6|load-?tests?)([/-]|$)/i;
const LOAD_IMAGE = /(^|\/)(locustio\/locust|grafana\/k6|loadimpact\/k6)$/;
const LOAD_DEPS = ['locust'];
const MAIL_IMAGE = /(^|\/)(mailhog|mailpit|maildev|mailcatcher)$/;
const ADMIN_IMAGE =
  /(^|\/)(adminer|pgadmin4|phpmyadmin|mongo-express|redis-commander|redisinsight)$/;

/** The role of a development-only component and why, or undefined for a part of the app. */
function roleOf(d: Draft): { role: Optional['role']; why: string; loc: Loc } | undefined {
  const build = d.get('build');
  const image = build?.strategy === 'image' ? imageRepository(build.image) : undefined;
  const buildLoc = d.evidenceOf('build')[0];
  const loc: Loc = buildLoc
    ? { file: buildLoc.file, ...(buildLoc.line ? { line: buildLoc.line } : {}) }
    : { file: d.unit?.pkg?.file ?? d.unit?.pyManifests[0] ?? d.path };
  if (image && MAIL_IMAGE.test(image))
    return { role: 'mail-catcher', why: `${image} catches mail in development`, loc };
  if (image && ADMIN_IMAGE.test(image))
    return { role: 'admin-ui', why: `${image} is a database admin UI for development`, loc };
  const locust = LOAD_DEPS.map((n) => d.unit?.pyDeps.get(n)).find(Boolean);
  if (locust)
    return {
      role: 'load-generator',
      why: `${d.name} runs locust`,
      loc: { file: locust.file, ...(locust.line ? { line: locust.line } : {}) },
    };
  if ((image && LOAD_IMAGE.test(image)) || LOAD_NAME.test(d.name) || LOAD_NAME.test(d.path))
    return { role: 'load-generator', why: `${d.name} generates load`, loc };
  if (TEST_PATH.test(d.path) || TEST_NAME.test(d.name))
    return { role: 'test', why: `${d.name} is a test harness (${d.path})`, loc };
  return undefined;
}

/** Marks a draft that only supports development as optional, with the evidence. */
export function markOptional(d: Draft): void {
  if (d.store) return;
  const found = roleOf(d);
  if (!found) return;
  const reason = `${found.why}: not a service of the app`;
  d.feature('optional', { role: found.role, reason }, PRIORITY.inferred, {
    ...found.loc,
    note: reason,
  });
}
