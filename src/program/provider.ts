/**
 * Arguments of the stack's explicit Kubernetes provider. Explicit, so that no resource ever
 * falls back to whatever the ambient kubeconfig points at.
 */
import type * as k8s from '@pulumi/kubernetes';
import type { Target } from '../model/environment';

/**
 * Provider inputs for a target: a kube context (and kubeconfig when given), or
 * `renderYamlToDirectory` to write manifests instead of talking to a cluster. Server-side apply
 * in both cases: in the client-side mode the provider overwrites `app.kubernetes.io/managed-by`
 * with `pulumi`, so rendered files would differ from what the program declares and from what a
 * cluster receives. ConfigMaps and Secrets are mutable so that a changed value is an in-place
 * update of the same named object, not a delete-and-recreate that leaves running pods briefly
 * without it.
 *
 * @param renderDirectory where a render target writes: absolute for the inline program, relative
 *   to the project directory in an ejected project.
 */
export function providerArgs(
  target: Target,
  namespace: string,
  renderDirectory: string,
): k8s.ProviderArgs & Record<string, string | boolean> {
  const common = {
    namespace,
    enableConfigMapMutable: true,
    enableSecretMutable: true,
    enableServerSideApply: true,
  };
  return target.kind === 'cluster'
    ? {
        context: target.context,
        ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
        ...common,
      }
    : { renderYamlToDirectory: renderDirectory, ...common };
}
