/**
 * containerize: how each component becomes an image. Uses the repository's Dockerfile when
 * there is one and generates one otherwise; names the image
 * `<registry>/<app>-<component>:src-<12 hex of the source digest>` (never `latest`); one
 * container per pod, with migrations run as a Job rather than a sidecar. With
 * `stackpilot:images.source: published` a component the repository publishes a pinned image
 * of is deployed from that image instead (see `./published-image`); a
 * `stackpilot:components.<name>.image` override wins over both.
 */
import type { Component } from '../../model/app';
import { contentHash } from '../../model/canonical';
import type { ImagePlan } from '../../model/plan';
import { decision, type ComponentFacts, type Skill, type SkillContribution } from '../skill';
import {
  analyzedPort,
  appComponents,
  classifyEnv,
  commandArgv,
  containerPorts,
  dataComponents,
  portOverrideDecision,
  primaryPort,
} from './common';
import { dataServiceImage, isPinned } from './data-catalog';
import { generateDockerfile } from './dockerfiles';
import { publishedChoice } from './published-image';

const ID = 'containerize';

/** Well-known images pinned to a version when compose names them without a tag. */
const PINNED: Record<string, string> = {
  nginx: 'nginxinc/nginx-unprivileged:1.27.3-alpine',
  caddy: 'caddy:2.8.4-alpine',
  traefik: 'traefik:v3.2.1',
  mailhog: 'mailhog/mailhog:v1.0.1',
};

/** The immutable tag of a built image: source digest, plus a hash of any inlined build args. */
export function imageTag(c: Component, buildArgs: Record<string, string>): string {
  const src = `src-${c.sourceDigest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
  if (!Object.keys(buildArgs).length) return src;
  return `${src}-b${contentHash(buildArgs).slice('sha256:'.length, 'sha256:'.length + 8)}`;
}

export const containerizeSkill: Skill = {
  id: ID,
  needs: [],
  description:
    'Chooses how each component is built (existing or generated Dockerfile, or a prebuilt image) and its immutable image tag.',
  run({ app, env }) {
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> = {
      facts: {},
      decisions: [],
      warnings: [],
    };
    const images: ImagePlan[] = [];
    for (const c of appComponents(app, env)) {
      const buildArgs: Record<string, string> = {};
      for (const v of c.env) {
        const route = classifyEnv(app, env, c, v);
        if (route.kind !== 'build-time') continue;
        buildArgs[v.name] = route.value;
        if (route.warning) out.warnings.push(route.warning);
        out.decisions.push(
          decision(
            ID,
            c.name,
            `build arg ${v.name}`,
            route.value,
            route.target
              ? `${v.name} is inlined into the bundle at build time (runtime env cannot change it), so it is a build argument with ${route.target}'s ${route.warning ? 'in-cluster' : 'public'} URL for ${env.name}; the image tag carries a hash of the build args because the image differs per environment`
              : `${v.name} is inlined into the bundle at build time, so its value is a build argument; the image tag carries a hash of the build args`,
            route.target
              ? [
                  'runtime env var (ignored by the built bundle)',
                  'relative URL behind the same host',
                ]
              : ['runtime env var (ignored by the built bundle)'],
          ),
        );
      }
      const override = env.components[c.name]?.image;
      const published =
        override === undefined && c.build.strategy !== 'image'
          ? publishedChoice(c, env, imageTag(c, buildArgs), buildArgs)
          : undefined;
      const deployed = published?.deploy ? published.image : undefined;
      // An image built from an existing Dockerfile (or published) has one CMD; a worker or job
      // sharing it (compose `command:`) needs its own command, or it would start the server.
      const ownCommand =
        (c.build.strategy !== 'generate' || deployed !== undefined) &&
        (c.kind === 'worker' || c.kind === 'job') &&
        c.startCommand !== undefined;
      const facts: Partial<ComponentFacts> = {
        command: ownCommand ? commandArgv(c.startCommand!) : [],
        args: [],
        ports: containerPorts(c, env),
      };
      const port = portOverrideDecision(ID, c, env);
      if (port) out.decisions.push(port);
      if (ownCommand)
        out.decisions.push(
          decision(
            ID,
            c.name,
            'command',
            c.startCommand!,
            `a ${c.kind} ${deployed !== undefined ? `run from the published image ${deployed}` : `built from ${c.build.strategy === 'dockerfile' ? c.build.dockerfile : 'a prebuilt image'}`} runs its own command rather than the image's default`,
            ["the image's CMD"],
          ),
        );
      const repo = `${env.registry}/${app.name}-${c.name}`;
      if (override !== undefined) {
        if (!isPinned(override))
          throw new Error(
            `stackpilot:components.${c.name}.image "${override}" must carry an immutable tag (not latest)`,
          );
        facts.image = override;
        images.push({ component: c.name, image: override, source: 'prebuilt' });
        out.decisions.push(
          decision(ID, c.name, 'image', override, `the ${env.name} stack pins this image`, [
            'build from source',
          ]),
        );
      } else if (c.build.strategy === 'image') {
        const name = c.build.image.split(':')[0]!.split('/').pop()!;
        const image = isPinned(c.build.image) ? c.build.image : PINNED[name];
        if (!image)
          throw new Error(
            `component ${c.name} uses image "${c.build.image}" without a version tag; pin it in the repository or set stackpilot:components.${c.name}.image`,
          );
        facts.image = image;
        images.push({ component: c.name, image, source: 'prebuilt' });
        out.decisions.push(
          decision(
            ID,
            c.name,
            'image',
            image,
            image === c.build.image
              ? 'the repository runs this prebuilt, versioned image; nothing to build'
              : `the repository names "${c.build.image}" without a version; pinned to a known version so deploys are reproducible`,
            ['build from source'],
          ),
        );
      } else if (published?.deploy) {
        facts.image = published.image;
        images.push({ component: c.name, image: published.image, source: 'published' });
        out.decisions.push(published.decision);
      } else if (c.build.strategy === 'dockerfile') {
        const image = `${repo}:${imageTag(c, buildArgs)}`;
        facts.image = image;
        images.push({
          component: c.name,
          image,
          source: 'dockerfile',
          dockerfile: c.build.dockerfile,
          context: c.build.context,
          ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
        });
        out.decisions.push(
          decision(
            ID,
            c.name,
            'build',
            `existing ${c.build.dockerfile}`,
            'the repository has its own Dockerfile, which knows the build better than a template; the image tag is derived from the source digest so it changes exactly when the source does',
            ['generated Dockerfile'],
          ),
        );
        const user = c.features.dockerUser;
        if (!user || user === 'root' || user === '0' || user.startsWith('0:'))
          out.warnings.push(
            `${c.name}: ${c.build.dockerfile} runs as ${user ? `user ${user}` : 'root (no USER)'}; the pod forces uid 10001, so the image's files must be readable by any user`,
          );
      } else {
        const generated = generateDockerfile(c, buildArgs);
        const listens = primaryPort(c, env);
        if (generated && listens !== analyzedPort(c))
          out.warnings.push(
            `${c.name}: stackpilot:components.${c.name}.port is ${listens}, but its generated Dockerfile is made for port ${analyzedPort(c)} (PORT, EXPOSE and the server's bind flag) and is not changed by the override; it holds only for a process that listens on ${listens} whatever it is told`,
          );
        if (!generated)
          throw new Error(
            `cannot generate a Dockerfile for component ${c.name} (language ${c.language}); add a Dockerfile to ${c.path} or set stackpilot:components.${c.name}.image`,
          );
        const image = `${repo}:${imageTag(c, buildArgs)}`;
        facts.image = image;
        images.push({
          component: c.name,
          image,
          source: 'generated',
          generatedDockerfile: generated.text,
          context: c.build.context,
          ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
        });
        out.decisions.push(
          decision(
            ID,
            c.name,
            'build',
            `generated Dockerfile: ${generated.template}`,
            'no Dockerfile in the repository; the template is multi-stage (build tools stay out of the runtime image), uses pinned versioned base images and runs as uid 10001',
            ['buildpacks', 'ask the user for a Dockerfile'],
          ),
        );
        if (c.framework && /next/i.test(c.framework.name) && c.features.nextOutput !== 'standalone')
          out.warnings.push(
            `${c.name}: next.config does not set output: 'standalone'; the image ships full node_modules (set it for a ~5x smaller image)`,
          );
      }
      if (published && !published.deploy) {
        out.decisions.push(published.decision);
        if (published.warning) out.warnings.push(published.warning);
      }
      out.decisions.push(
        decision(
          ID,
          c.name,
          'containers per pod',
          '1',
          c.features.migrations
            ? `one application container; ${c.features.migrations.tool} migrations run once per release as a Job before the rollout, not as a sidecar or init container that every replica would repeat`
            : 'one application container; no sidecar is needed',
          ['sidecar', 'init container'],
        ),
      );
      out.facts[c.name] = facts;
    }
    for (const d of dataComponents(app, env)) {
      const image = env.components[d.name]?.image ?? dataServiceImage(app, d);
      if (image) images.push({ component: d.name, image, source: 'prebuilt' });
    }
    images.sort((a, b) => (a.component < b.component ? -1 : 1));
    return { ...out, sections: { images } };
  },
};
