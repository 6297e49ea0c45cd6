/**
 * The per-unit detectors in the order they run. Order matters only on equal-priority claims
 * (the first wins): framework detectors run before the generic Node/Python basics so that,
 * e.g., Next.js standalone's `node server.js` beats the `start` script. Dockerfiles and
 * compose files are applied by the assembler, which knows which Dockerfile builds what.
 */
import type { UnitDetector } from './context';
import { detectDatastoreDeps } from './datastores';
import { detectDjango } from './django';
import { detectEnvFiles } from './env-files';
import { detectNodeServer } from './express';
import { detectExternalServices } from './external-services';
import { detectFastapi } from './fastapi';
import { detectFlask } from './flask';
import { detectNextjs } from './nextjs';
import { detectNodeBasics } from './node';
import { detectNodeWorker } from './node-worker';
import { detectProcfile } from './procfile';
import { detectPythonBasics } from './python';
import { detectPythonWorker } from './python-worker';

/** Per-unit detectors in run order. */
export const UNIT_DETECTORS: readonly UnitDetector[] = [
  detectNextjs,
  detectNodeServer,
  detectNodeWorker,
  detectNodeBasics,
  detectFastapi,
  detectDjango,
  detectFlask,
  detectPythonWorker,
  detectPythonBasics,
  detectProcfile,
  detectEnvFiles,
  detectDatastoreDeps,
  detectExternalServices,
];
