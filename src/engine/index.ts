export {
  Engine,
  type EngineOptions,
  type PreviewOptions,
  type UpOptions,
  type DeployOptions,
  type DiagnoseOptions,
} from './engine';
export { requireCluster } from './operations/whole-stack';
export { findToolchain, engineCacheDir, type Toolchain } from './toolchain';
export { classifyEngineError } from './errors';
export type { EventSink } from './events';
export { requiredSecretKeys, secretEnvVar, type MissingSecretPolicy } from './secrets';
export { stateLayout, type StateLayout, type PassphrasePolicy } from './state';
export { renderManifests, type RenderOptions } from './render';
