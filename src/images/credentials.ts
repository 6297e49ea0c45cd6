/**
 * Registry credentials, from the places users already keep them: `STACKPILOT_REGISTRY_USERNAME`
 * and `STACKPILOT_REGISTRY_PASSWORD` (every registry; what CI sets), else the Docker config
 * (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`, its `auths` entry for the host).
 * Credential helpers (`credsStore`, `credHelpers`) are not run: their registries are asked
 * anonymously and a 401 names the variables to set. Values never leave this module except
 * in request headers.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../model/errors';

/** A user name and password (or token) for one registry. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Looks credentials up for a registry host; undefined means anonymous. */
export type CredentialLookup = (registry: string) => RegistryCredentials | undefined;

const DockerConfigSchema = z.object({
  auths: z
    .record(
      z.string(),
      z.object({
        auth: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        identitytoken: z.string().optional(),
      }),
    )
    .optional(),
});

/** The Docker config's file: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json');
}

/** The keys Docker writes a host under: the bare host, and Docker Hub's historic URL. */
function keysFor(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`];
  if (registry === 'docker.io')
    keys.push('https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io');
  return keys;
}

/**
 * A lookup over `env` and the Docker config it points at. A config file that is not JSON is
 * an {@link InputError} naming the file; a missing one means no stored credentials.
 */
export function credentialLookup(env: NodeJS.ProcessEnv = process.env): CredentialLookup {
  const username = env.STACKPILOT_REGISTRY_USERNAME;
  const password = env.STACKPILOT_REGISTRY_PASSWORD;
  if (username && password) return () => ({ username, password });
  const file = dockerConfigPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return () => undefined;
  }
  let config: z.infer<typeof DockerConfigSchema>;
  try {
    config = DockerConfigSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new InputError(`the Docker config ${file} cannot be read: ${(err as Error).message}`);
  }
  return (registry) => {
    for (const key of keysFor(registry)) {
      const entry = config.auths?.[key];
      if (!entry) continue;
      if (entry.username && entry.password)
        return { username: entry.username, password: entry.password };
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0)
          return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
    }
    return undefined;
  };
}
