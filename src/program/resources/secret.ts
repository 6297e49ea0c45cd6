import { plain, SecretValue } from '../decl';
import { objectMeta, type Mapper } from './context';

/**
 * `secret` → Opaque Secret whose `stringData` values are secret outputs assembled from the
 * entry's parts (text, `secrets:*` config, generated passwords). The values never exist in
 * the plan, the declaration or the ejected source: only their sources do.
 */
export const mapSecret: Mapper<'secret'> = (node, ctx) => ({
  cls: 'k8s.core.v1.Secret',
  args: plain({
    metadata: objectMeta(node, ctx),
    type: 'Opaque',
    stringData: Object.fromEntries(
      [...node.spec.entries]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((e) => [e.key, new SecretValue(e.parts)]),
    ),
  }),
});
