/**
 * The steps of the generated GitHub Actions jobs, one function a step. Values reach the
 * scripts through `env:` and the workflow's own variables (`APP_DIR`, `STACKS_DIR`,
 * `SKILLS_FILE`), never by `${{ }}` inside a script, so nothing from an event is run as shell.
 */
import type { PushRegistry } from './registries';

/** One step, its keys in the order GitHub's documentation writes them. */
export interface Step {
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
  run?: string;
}

/** The condition of everything that publishes: a push to the default branch. */
export const ON_PUSH = "github.event_name == 'push'";

/** How the steps call stackpilot. */
export interface CallOptions {
  /** Whether to pass `--skills "$SKILLS_FILE"`. */
  skills: boolean;
}

/** `stackpilot` with the global options every call of the workflow shares. */
export function stackpilot(options: CallOptions, args: string): string {
  // The state directory stays outside the checkout: a file written into the repository
  // between planning and building could change a source digest, and so a tag.
  const skills = options.skills ? ' --skills "$SKILLS_FILE"' : '';
  return `stackpilot --state-dir "$RUNNER_TEMP/stackpilot" --stacks "$STACKS_DIR"${skills} ${args}`;
}

/** The first steps of every job: the commit, Node.js 20, and stackpilot itself. */
export function setupSteps(): Step[] {
  return [
    { uses: 'actions/checkout@v4' },
    { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
    {
      name: 'Install stackpilot',
      env: { STACKPILOT_PACKAGE: '${{ vars.STACKPILOT_PACKAGE }}' },
      run: [
        ': "${STACKPILOT_PACKAGE:?set the repository variable STACKPILOT_PACKAGE to the npm package spec stackpilot installs from}"',
        'npm install --global --no-audit --no-fund "$STACKPILOT_PACKAGE"',
      ].join('\n'),
    },
  ];
}

/** The secrets a registry's login reads, as `${{ }}` expressions. */
export function registryCredentials(registry: PushRegistry): {
  username: string;
  password: string;
} {
  return registry.kind === 'ghcr'
    ? { username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' }
    : {
        username: '${{ secrets.REGISTRY_USERNAME }}',
        password: '${{ secrets.REGISTRY_PASSWORD }}',
      };
}

/** `docker/login-action` for a registry, on pushes only (pull requests from forks get no secrets). */
export function loginStep(registry: PushRegistry): Step {
  return {
    name: `Log in to ${registry.host}`,
    if: ON_PUSH,
    uses: 'docker/login-action@v3',
    with: { registry: registry.host, ...registryCredentials(registry) },
  };
}

/**
 * Plans `env` at the checked-out commit and lists the images the plan builds, one a line,
 * into `$RUNNER_TEMP/planned.txt`: the tags to push, as the plan names them now.
 */
export function planStep(call: CallOptions, env: string): Step {
  return {
    name: `Plan ${env}`,
    run: [
      `${stackpilot(call, `plan "$APP_DIR" --env ${env} --json`)} > "$RUNNER_TEMP/plan.json"`,
      `jq -r '.images[] | select(.source == "dockerfile" or .source == "generated") | .image' "$RUNNER_TEMP/plan.json" | sort -u > "$RUNNER_TEMP/planned.txt"`,
      `echo "plan $(jq -r .hash "$RUNNER_TEMP/plan.json") builds:"`,
      'cat "$RUNNER_TEMP/planned.txt"',
    ].join('\n'),
  };
}

/** A pull request builds every image without pushing: the Dockerfiles are checked before merge. */
export function buildStep(call: CallOptions, env: string): Step {
  return {
    name: `Build the ${env} images`,
    if: "github.event_name != 'push'",
    run: stackpilot(call, `build "$APP_DIR" --env ${env}`),
  };
}

/**
 * A push builds and pushes them with the plan's tags; `stackpilot build --push` checks each
 * pushed digest in the registry. With one registry its login also goes to stackpilot's own
 * lookups (`STACKPILOT_REGISTRY_*`); with several they read the Docker config the logins wrote.
 */
export function pushStep(call: CallOptions, env: string, registries: PushRegistry[]): Step {
  const only =
    registries.length === 1 && registries[0]!.kind !== 'loopback' ? registries[0] : undefined;
  const credentials = only ? registryCredentials(only) : undefined;
  return {
    name: `Build and push the ${env} images`,
    if: ON_PUSH,
    ...(credentials
      ? {
          env: {
            STACKPILOT_REGISTRY_USERNAME: credentials.username,
            STACKPILOT_REGISTRY_PASSWORD: credentials.password,
          },
        }
      : {}),
    run: `${stackpilot(call, `build "$APP_DIR" --env ${env} --push --json`)} > "$RUNNER_TEMP/build.json"`,
  };
}

/** The jq filter that lists the image references `stackpilot build --json` pushed. */
export const PUSHED_IMAGES = '.images[] | select(.status == "pushed") | .image';

/** Fails the job unless what was pushed is exactly what the plan names, tag for tag. */
export function compareStep(env: string): Step {
  return {
    name: `Check the pushed tags are the ${env} plan's`,
    if: ON_PUSH,
    run: [
      `jq -r '${PUSHED_IMAGES}' "$RUNNER_TEMP/build.json" | sort -u > "$RUNNER_TEMP/pushed.txt"`,
      'diff -u "$RUNNER_TEMP/planned.txt" "$RUNNER_TEMP/pushed.txt"',
    ].join('\n'),
  };
}

/**
 * `stackpilot gate` for `env`: analyze this job's checkout here, on the runner, have the server
 * plan that analysis with its own stack files (and the skills file's ids, which it runs only if
 * it allows them), preview, wait for an approval where the environment needs one, deploy. The
 * server never reads the runner's disk.
 */
export function gateStep(call: CallOptions, env: string): Step {
  return {
    name: `Deploy ${env} through the stackpilot gate`,
    env: {
      STACKPILOT_URL: '${{ vars.STACKPILOT_URL }}',
      STACKPILOT_TOKEN: '${{ secrets.STACKPILOT_TOKEN }}',
    },
    run: [
      ': "${STACKPILOT_URL:?set the repository variable STACKPILOT_URL to the stackpilot server URL}"',
      stackpilot(call, `gate --server "$STACKPILOT_URL" --env ${env} --app-dir "$APP_DIR"`),
    ].join('\n'),
  };
}
