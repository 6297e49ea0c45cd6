/**
 * Image test harness: a real OCI registry on loopback, crane to push and inspect, and where the
 * image tools are (all built by `scripts/setup-images.sh`, run by `npm run setup`).
 *
 * ```ts
 * const registry = await startRegistry({ auth: { username: 'ci', password: 's3cret' } });
 * const digest = await pushScratchImage(registry, 'app/web', 'v1'); // sha256:…
 * await registry.stop();                                            // in after()
 * ```
 */
export { startRegistry, type Credentials, type RegistryOptions, type TestRegistry } from './server';
export { crane, pushScratchImage, SCRATCH_FILES } from './crane';
export { tarOf } from './tar';
export { builderOnPath, imageTool, imagesCacheDir, type ImageTool } from './tools';
