import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, type Mapper } from './context';

/** cert-manager's annotation asking a ClusterIssuer for the route's TLS certificate. */
export const ISSUER_ANNOTATION = 'cert-manager.io/cluster-issuer';

/**
 * `route` → networking.k8s.io/v1 Ingress for one host, with TLS from the plan's issuer (through
 * cert-manager) when the plan asks for it. Backends name Service ports by name, so a port
 * number change in the Service does not break the route.
 */
export const mapRoute: Mapper<'route'> = (node, ctx) => {
  const s = node.spec;
  const annotations = { ...s.annotations };
  if (s.tls && !Object.keys(annotations).some((k) => k.startsWith('cert-manager.io/'))) {
    annotations[ISSUER_ANNOTATION] = s.tls.issuer;
  }
  return {
    cls: 'k8s.networking.v1.Ingress',
    args: plain({
      metadata: objectMeta(node, ctx, { annotations }),
      spec: {
        ingressClassName: s.className,
        ...(s.tls ? { tls: [{ hosts: [s.host], secretName: s.tls.secretName }] } : {}),
        rules: [
          {
            host: s.host,
            http: {
              paths: s.paths.map((p) => ({
                path: p.path,
                pathType: p.pathType,
                backend: { service: { name: p.service, port: { name: p.port } } },
              })),
            },
          },
        ],
      },
    } satisfies k8s.networking.v1.IngressArgs),
  };
};
