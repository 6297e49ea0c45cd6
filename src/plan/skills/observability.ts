/**
 * observability: probes, metrics and logs. Liveness, readiness and startup probes on the
 * real paths and ports the analysis found (HTTP where a path is known, TCP or exec
 * otherwise), liveness never probing what readiness probes, and readiness only where a
 * Service routes traffic; Prometheus scrape annotations and, when the environment asks,
 * ServiceMonitors; structured JSON logs.
 */
import type { Component } from '../../model/app';
import type { Environment } from '../../model/environment';
import type { NodeOf, Probe } from '../../model/plan';
import { decision, type ComponentFacts, type Skill, type SkillContribution } from '../skill';
import {
  appComponents,
  dataEngine,
  frameworkOf,
  inClusterComponents,
  isDataComponent,
  isSingleton,
  launcherPrefix,
  metricsEndpoint,
  primaryPort,
  probePaths,
  selectorLabels,
  servesHttp,
  sortEnv,
} from './common';
import { asgiObject } from './dockerfiles';
import { dataSpec, type ProbeHandler } from './data-catalog';

const ID = 'observability';

type Probes = ComponentFacts['probes'];

function probe(
  handler: ProbeHandler,
  t: Partial<Omit<Probe, 'handler'>> & { periodSeconds: number; failureThreshold: number },
): Probe {
  return {
    handler,
    initialDelaySeconds: t.initialDelaySeconds ?? 0,
    periodSeconds: t.periodSeconds,
    timeoutSeconds: t.timeoutSeconds ?? 2,
    failureThreshold: t.failureThreshold,
    successThreshold: t.successThreshold ?? 1,
  };
}

/**
 * Liveness, readiness and startup of a server whose port is known, given how a path is
 * probed. Liveness restarts a wedged process and readiness takes a busy or not-yet-ready pod
 * out of the Service, so they probe different things: the health path for readiness and the
 * port (TCP) for liveness, or, when the app has its own readiness path, the health path for
 * liveness and the readiness path for readiness. Startup holds liveness off during a cold
 * start, so it probes what liveness probes. Without any path, readiness on TCP is all that is
 * known, and a TCP liveness probe would only repeat it.
 */
function serverProbes(
  c: Component,
  env: Environment,
  get: (path: string) => ProbeHandler,
  t: { timeout: number; slow: boolean },
): { probes: Probes; why: string } {
  const port = primaryPort(c, env)!;
  const { healthPath, readinessPath, override } = probePaths(c, env);
  const tcp: ProbeHandler = { tcp: { port } };
  const own = readinessPath !== undefined && readinessPath !== healthPath;
  const readyPath = readinessPath ?? healthPath ?? (c.kind === 'frontend' ? '/' : undefined);
  const live: ProbeHandler | undefined =
    own && healthPath ? get(healthPath) : readyPath ? tcp : undefined;
  const ready: ProbeHandler = readyPath ? get(readyPath) : tcp;
  const timings = { timeoutSeconds: t.timeout };
  return {
    probes: {
      // Liveness is slow to fire, so a busy pod is not killed.
      ...(live
        ? { liveness: probe(live, { ...timings, periodSeconds: 10, failureThreshold: 3 }) }
        : {}),
      // Readiness takes a pod out of the Service quickly and puts it back when it recovers.
      readiness: probe(ready, { ...timings, periodSeconds: 5, failureThreshold: 2 }),
      // Startup gives a cold start (imports, model clients, migrations check) time before liveness counts.
      startup: probe(live ?? tcp, {
        ...timings,
        periodSeconds: 5,
        failureThreshold: t.slow ? 60 : 30,
      }),
    },
    why: !readyPath
      ? `no health path found: readiness and startup on TCP port ${port}, and no liveness probe, because a TCP liveness probe would repeat readiness and restart pods readiness already takes out of the Service`
      : own && healthPath
        ? `the app has its own liveness path ${healthPath} and readiness path ${readinessPath}: liveness and startup probe the first, readiness the second, with a shorter period and lower threshold`
        : `readiness on ${readyPath}${override !== undefined ? ` (the health path with the stack override stackpilot:components.${c.name}.healthPath${analyzedPaths(c)})` : healthPath ? ' (the health path from the analysis)' : ''}; liveness and startup only check that port ${port} accepts connections, so a pod that is busy or whose dependencies are down leaves the Service without being restarted`,
  };
}

/** What a stack `healthPath` replaces, for the decision: `, in place of the analyzed health path /health`. */
function analyzedPaths(c: Component): string {
  const paths = [
    ...(c.healthPath !== undefined ? [`health path ${c.healthPath}`] : []),
    ...(c.readinessPath !== undefined && c.readinessPath !== c.healthPath
      ? [`readiness path ${c.readinessPath}`]
      : []),
  ];
  return paths.length ? `, in place of the analyzed ${paths.join(' and ')}` : '';
}

/**
 * Django answers only the hosts in ALLOWED_HOSTS, and the kubelet's HTTP probes send the
 * pod IP as Host: paths are requested from inside the pod with Host: localhost.
 */
function djangoProbes(c: Component, env: Environment): { probes: Probes; why: string } {
  const port = primaryPort(c, env)!;
  const get = (path: string): ProbeHandler => ({
    exec: {
      command: [
        'python',
        '-c',
        `import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:${port}${path}', headers={'Host': 'localhost'}), timeout=4)`,
      ],
    },
  });
  const { probes, why } = serverProbes(c, env, get, { timeout: 5, slow: false });
  const paths = probePaths(c, env);
  return {
    probes,
    why:
      paths.healthPath || paths.readinessPath
        ? `${why}; Django rejects the pod IP the kubelet sends as Host, so paths are requested from inside the pod with Host: localhost`
        : why,
  };
}

/** Probes of an HTTP component and a sentence on why. */
function httpProbes(c: Component, env: Environment): { probes: Probes; why: string } {
  if (frameworkOf(c) === 'django') return djangoProbes(c, env);
  const slow = c.kind === 'chatbot' || c.features.streaming === true;
  const port = primaryPort(c, env)!;
  return serverProbes(c, env, (path) => ({ http: { path, port } }), {
    timeout: slow ? 5 : 2,
    slow,
  });
}

/**
 * Probes of a process without a port (queue workers, schedulers): liveness and startup only.
 * No Service routes to it, so readiness would gate nothing; the startup probe still holds a
 * rolling update until the new pod's check has passed once.
 */
function workerProbes(c: Component): { probes: Probes; why: string } {
  const celeryApp =
    c.startCommand?.match(/(?:-A|--app)[ =](\S+)/)?.[1] ??
    (c.features.queueFramework === 'celery' ? asgiObject(c)?.split(':')[0] : undefined);
  let live: string[];
  let why: string;
  const celery = c.features.queueFramework === 'celery' || /celery/.test(c.startCommand ?? '');
  if (celery && !isSingleton(c)) {
    const run = launcherPrefix(c, 'celery');
    live = [
      'sh',
      '-c',
      `${run}celery -A ${celeryApp ?? 'app'} inspect ping -d "celery@$HOSTNAME" --timeout 10`,
    ];
    why =
      'celery inspect ping asks this worker itself over the broker: it fails when the worker or its broker connection is wedged, which a restart fixes';
  } else if (c.language === 'python') {
    live = ['python', '-c', 'import os; os.kill(1, 0)'];
    why = 'no health command known: checks only that the main process is alive';
  } else {
    live = ['sh', '-c', 'kill -0 1'];
    why = 'no health command known: checks only that the main process is alive';
  }
  return {
    probes: {
      liveness: probe(
        { exec: { command: live } },
        { periodSeconds: 60, timeoutSeconds: 20, failureThreshold: 3 },
      ),
      startup: probe(
        { exec: { command: live } },
        { periodSeconds: 10, timeoutSeconds: 20, failureThreshold: 30 },
      ),
    },
    why: `${why}; no readiness probe: no Service routes to ${c.name}, so it would gate nothing, and the startup probe already holds a rollout until the new pod passes`,
  };
}

function dataProbes(c: Component, env: Environment): { probes: Probes; why: string } {
  const engine = dataEngine(c);
  if (!engine) {
    const tcp = { tcp: { port: primaryPort(c, env)! } };
    return {
      probes: {
        liveness: probe(tcp, { periodSeconds: 10, failureThreshold: 3 }),
        readiness: probe(tcp, { periodSeconds: 5, failureThreshold: 2 }),
        startup: probe(tcp, { periodSeconds: 5, failureThreshold: 30 }),
      },
      why: 'unknown engine: TCP on its port, readiness with a shorter period',
    };
  }
  const p = dataSpec(engine, c).probes;
  const heavy = engine === 'rabbitmq';
  return {
    probes: {
      liveness: probe(p.liveness, {
        periodSeconds: heavy ? 30 : 10,
        timeoutSeconds: heavy ? 15 : 3,
        failureThreshold: 3,
      }),
      readiness: probe(p.readiness, {
        periodSeconds: heavy ? 20 : 5,
        timeoutSeconds: heavy ? 15 : 3,
        failureThreshold: 2,
      }),
      startup: probe(p.startup, { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 }),
    },
    why: `${engine}: liveness checks the server answers, readiness that it accepts clients; startup allows up to 5 minutes for recovery from the claim`,
  };
}

/** What each probe checks, e.g. `liveness TCP :8000; readiness GET /health; startup TCP :8000`. */
function describeProbes(probes: Probes): string {
  const what = (p: Probe): string => {
    const h = p.handler;
    if ('http' in h) return `GET ${h.http.path}`;
    if ('tcp' in h) return `TCP :${h.tcp.port}`;
    // The in-pod request of djangoProbes.
    const inPod = /u\.Request\('http:\/\/127\.0\.0\.1:\d+([^']*)'/.exec(h.exec.command.join(' '));
    if (inPod) return `exec GET ${inPod[1]} (Host: localhost)`;
    const cmd = h.exec.command[0] === 'sh' ? h.exec.command.slice(2) : h.exec.command;
    const text = cmd.join(' ');
    return `exec ${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
  };
  const kinds = ['liveness', 'readiness', 'startup'] as const;
  return (
    kinds
      .filter((k) => probes[k] !== undefined)
      .map((k) => `${k} ${what(probes[k]!)}`)
      .join('; ') || 'none'
  );
}

export const observabilitySkill: Skill = {
  id: ID,
  needs: ['containerize', 'data-services'],
  description: 'Distinct liveness/readiness/startup probes, Prometheus scraping and JSON logs.',
  run({ app, env }) {
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> & {
      nodes: NodeOf<'service-monitor'>[];
    } = { facts: {}, nodes: [], decisions: [], warnings: [] };
    for (const c of inClusterComponents(app, env)) {
      const isJob = !isDataComponent(c) && c.kind === 'job';
      const { probes, why } = isJob
        ? { probes: {}, why: 'a run-to-completion Job has no probes' }
        : isDataComponent(c)
          ? dataProbes(c, env)
          : servesHttp(c)
            ? httpProbes(c, env)
            : workerProbes(c);
      if (servesHttp(c) && !probes.liveness)
        out.warnings.push(
          `${c.name}: no health path found, so it is probed on TCP only and has no liveness probe; serve one (e.g. GET /healthz) for the planner to probe`,
        );
      const metrics = metricsEndpoint(c, env);
      const podAnnotations: Record<string, string> = metrics
        ? {
            'prometheus.io/path': metrics.path,
            'prometheus.io/port': String(metrics.port),
            'prometheus.io/scrape': 'true',
          }
        : {};
      const declared = new Set(c.env.map((v) => v.name));
      const logEnv = isDataComponent(c)
        ? []
        : [
            { name: 'LOG_FORMAT', value: 'json' },
            { name: 'LOG_LEVEL', value: env.tier === 'small' ? 'debug' : 'info' },
            ...(c.language === 'python' ? [{ name: 'PYTHONUNBUFFERED', value: '1' }] : []),
          ].filter((e) => !declared.has(e.name));
      out.facts[c.name] = { probes, podAnnotations, logEnv: sortEnv(logEnv) };
      out.decisions.push(
        decision(ID, c.name, 'probes', describeProbes(probes), why, [
          'no probes',
          'identical liveness and readiness',
        ]),
      );
      if (metrics) {
        out.decisions.push(
          decision(
            ID,
            c.name,
            'metrics',
            `scrape :${metrics.port}${metrics.path}${env.serviceMonitor ? ' (ServiceMonitor)' : ' (annotations)'}`,
            isDataComponent(c)
              ? 'the image serves Prometheus metrics itself'
              : `${c.kind}s are where latency and error rates matter; ${frameworkOf(c) || c.language} apps expose ${metrics.path} with an instrumentation library (the target shows down until they do)`,
            ['no metrics'],
          ),
        );
        if (env.serviceMonitor)
          out.nodes.push({
            id: `service-monitor/${c.name}`,
            kind: 'service-monitor',
            name: c.name,
            component: c.name,
            skill: ID,
            after: [],
            dependsOn: [],
            spec: {
              selector: selectorLabels(app, env, c.name),
              port: metrics.portName,
              path: metrics.path,
              interval: '30s',
            },
          });
      }
    }
    if (appComponents(app, env).length)
      out.decisions.push(
        decision(
          ID,
          'environment',
          'logs',
          'JSON lines on stdout (LOG_FORMAT=json)',
          'the node log agent collects stdout; structured lines keep fields (level, request id) queryable; the variable is only added where the app does not set it itself',
          ['plain text logs', 'log files in the container'],
        ),
      );
    out.nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    return out;
  },
};
