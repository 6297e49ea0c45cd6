import { plain, SecretValue } from '../decl';
import { objectMeta, type Mapper } from './context';

/**
 * `secret` → Opaque Secret whose `data` values are secret outputs assembled from the entry's
 * parts (text, `secrets:*` config, generated passwords), base64-encoded by the program. The
 * values never exist in the plan, the declaration or the ejected source: only their sources do.
 *
 * Why `data` and not `stringData`: the provider rewrites a known `stringData` into `data`, but
 * cannot while a value is still unknown (a password generated in the same update). The preview
 * then plans `stringData` and the update writes `data`, which an approval-bound `up --plan`
 * rejects as a change. Encoding ourselves keeps one property from preview to update.
 */
export const mapSecret: Mapper<'secret'> = (node, ctx) => ({
  cls: 'k8s.core.v1.Secret',
  args: plain({
    metadata: objectMeta(node, ctx),
    type: 'Opaque',
    data: Object.fromEntries(
      [...node.spec.entries]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((e) => [e.key, new SecretValue(e.parts)]),
    ),
  }),
});
