/** Image builds: what `stackpilot build` reports, per image and as it goes. */
import { z } from 'zod';

/** One image of a build. `skipped`: not built because an earlier image failed. */
export const BuiltImageSchema = z.strictObject({
  component: z.string(),
  image: z.string(),
  status: z.enum(['built', 'pushed', 'failed', 'skipped']),
  /** The manifest digest the registry holds for the tag, once pushed and verified. */
  digest: z.string().optional(),
  /** What went wrong, naming the image and component, with the builder's last lines. */
  error: z.string().optional(),
});
export type BuiltImage = z.infer<typeof BuiltImageSchema>;

/** The result of building (and pushing) a plan's images. */
export const BuildResultSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  planHash: z.string(),
  /** The builder used; absent when the plan builds nothing. */
  builder: z.enum(['docker', 'podman', 'buildah', 'cluster']).optional(),
  push: z.boolean(),
  status: z.enum(['succeeded', 'failed']),
  images: z.array(BuiltImageSchema),
});
export type BuildResult = z.infer<typeof BuildResultSchema>;

/** Progress of one image: a phase starting, ending, or a line of the builder's output. */
export const BuildEventSchema = z.strictObject({
  component: z.string(),
  image: z.string(),
  phase: z.enum(['build', 'push', 'verify']),
  state: z.enum(['start', 'done', 'failed', 'output']),
  message: z.string().optional(),
});
export type BuildEvent = z.infer<typeof BuildEventSchema>;
