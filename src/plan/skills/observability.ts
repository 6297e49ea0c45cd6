/**
 * observability: probes, metrics and logs. Liveness, readiness and startup probes on the
 * real paths and ports the analysis found (HTTP where a path is known, TCP or exec
 * otherwise), readiness always distinct from liveness; Prometheus scrape annotations and,
 * when the environment asks, ServiceMonitors; structured JSON logs.
 */
import type { Component } from '../../model/app';
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
 * Django answers only the hosts in ALLOWED_HOSTS, and the kubelet's HTTP probes send the
 * pod IP as Host: the probes make the request from inside the pod with Host: localhost.
 */
function djangoProbes(c: Component): { probes: Probes; why: string } {
  const port = primaryPort(c)!;
  const get = (path: string): ProbeHandler => ({
    exec: {
      command: [
        'python',
        '-c',
        `import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:${port}${path}', headers={'Host': 'localhost'}), timeout=4)`,
      ],
    },
  });
  const live = c.healthPath ? get(c.healthPath) : { tcp: { port } };
  const ready = c.readinessPath ? get(c.readinessPath) : live;
  return {
    probes: {
      liveness: probe(live, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
      readiness: probe(ready, { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 2 }),
      startup: probe(live, { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 30 }),
    },
    why: `Django rejects the pod IP the kubelet sends as Host, so ${c.healthPath ?? 'the port'} is checked from inside the pod with Host: localhost; readiness with a shorter period and lower threshold`,
  };
}

/** Probes of an HTTP component and a sentence on why. */
function httpProbes(c: Component): { probes: Probes; why: string } {
  if (frameworkOf(c) === 'django') return djangoProbes(c);
  const slow = c.kind === 'chatbot' || c.features.streaming === true;
  const timeout = slow ? 5 : 2;
  const live: ProbeHandler = c.healthPath
    ? { http: { path: c.healthPath, port: primaryPort(c)! } }
    : { tcp: { port: primaryPort(c)! } };
  const readyPath = c.readinessPath ?? c.healthPath ?? (c.kind === 'frontend' ? '/' : undefined);
  const ready: ProbeHandler = readyPath
    ? { http: { path: readyPath, port: primaryPort(c)! } }
    : { tcp: { port: primaryPort(c)! } };
  return {
    probes: {
      // Liveness only restarts a wedged process: slow to fire, so a busy pod is not killed.
      liveness: probe(live, { periodSeconds: 10, timeoutSeconds: timeout, failureThreshold: 3 }),
      // Readiness takes a pod out of the Service quickly and puts it back when it recovers.
      readiness: probe(ready, { periodSeconds: 5, timeoutSeconds: timeout, failureThreshold: 2 }),
      // Startup gives a cold start (imports, model clients, migrations check) time before liveness counts.
      startup: probe(live, {
        periodSeconds: 5,
        timeoutSeconds: timeout,
        failureThreshold: slow ? 60 : 30,
      }),
    },
    why: c.healthPath
      ? `health path ${c.healthPath} from the analysis for liveness and startup; readiness on ${readyPath}${c.readinessPath ? ' (its own path)' : ' with a shorter period and lower threshold'}`
      : `no health path found: TCP on port ${primaryPort(c)} for liveness and startup; readiness ${readyPath ? `on ${readyPath}` : 'on TCP'} with a shorter period and lower threshold`,
  };
}

/** Exec probes for a process without a port (queue workers). */
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
      'celery inspect ping asks this worker itself over the broker: it fails when the worker or its broker connection is wedged';
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
      readiness: probe(
        { exec: { command: live } },
        { periodSeconds: 30, timeoutSeconds: 20, failureThreshold: 1 },
      ),
      startup: probe(
        { exec: { command: live } },
        { periodSeconds: 10, timeoutSeconds: 20, failureThreshold: 30 },
      ),
    },
    why: `${why}; readiness runs more often with a threshold of 1`,
  };
}

function dataProbes(c: Component): { probes: Probes; why: string } {
  const engine = dataEngine(c);
  if (!engine) {
    const tcp = { tcp: { port: primaryPort(c)! } };
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
          ? dataProbes(c)
          : servesHttp(c)
            ? httpProbes(c)
            : workerProbes(c);
      const metrics = metricsEndpoint(c);
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
        decision(ID, c.name, 'probes', Object.keys(probes).sort().join(', ') || 'none', why, [
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
