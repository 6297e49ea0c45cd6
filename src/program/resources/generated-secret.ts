import type * as random from '@pulumi/random';
import { plain } from '../decl';
import type { Mapper } from './context';

/** `generated-secret` → RandomPassword; its `result` is read by the Secrets that use it. */
export const mapGeneratedSecret: Mapper<'generated-secret'> = (node) => ({
  cls: 'random.RandomPassword',
  args: plain({
    length: node.spec.length,
    special: node.spec.special,
  } satisfies random.RandomPasswordArgs),
});
