/**
 * Situations of the fullstack dev plan's traffic objects: Ingresses and NetworkPolicies, each
 * breaking one thing of the applied plan.
 */
import type { DeploymentPlan } from '../../../src/model/plan';
import type { DiagnosisSnapshot } from '../../../src/model/snapshot';
import { applied } from './applied';
import { fullstackPlan } from './support';

/** The cluster's only IngressClass is traefik; the plan's Ingresses ask for nginx. */
export function ingressClassMissing(): DiagnosisSnapshot {
  const s = applied();
  s.ingressClasses = [{ name: 'traefik', isDefault: false }];
  s.ingresses = s.ingresses.map((i) => (i.name === 'web' ? { ...i, hasAddress: false } : i));
  return s;
}

/** Someone pointed the api Ingress at a port its Service does not have. */
export function ingressBackendDrift(): DiagnosisSnapshot {
  const s = applied();
  s.ingresses = s.ingresses.map((i) =>
    i.name === 'api' ? { ...i, backends: [{ service: 'api', port: 'web' }] } : i,
  );
  return s;
}

/** The plan's allow policy for redis is gone: default-deny now blocks every caller of redis. */
export function policyMissing(): DiagnosisSnapshot {
  const s = applied();
  s.networkPolicies = s.networkPolicies.filter((p) => p.name !== 'redis');
  return s;
}

/** A plan that does not isolate egress (no default deny, no egress rules), as a plan of a cluster policy set elsewhere. */
export function ingressOnlyPlan(): DeploymentPlan {
  const plan = structuredClone(fullstackPlan());
  plan.nodes = plan.nodes
    .filter((n) => n.id !== 'network-policy/default-deny')
    .map((n) =>
      n.kind === 'network-policy'
        ? {
            ...n,
            spec: {
              ...n.spec,
              egress: [],
              policyTypes: n.spec.policyTypes.filter((t) => t === 'Ingress'),
            },
          }
        : n,
    );
  return plan;
}

/** An unmanaged policy isolates api's egress, which the plan leaves open: api cannot reach redis. */
export function foreignPolicy(): DiagnosisSnapshot {
  const s = applied(ingressOnlyPlan());
  s.networkPolicies.push({
    name: 'lockdown',
    managed: false,
    podSelector: { 'app.kubernetes.io/name': 'api' },
    policyTypes: ['Egress'],
    ingress: [],
    egress: [
      {
        peers: [{ podSelector: { 'app.kubernetes.io/name': 'rabbitmq' } }],
        ports: [{ port: 5672, protocol: 'TCP' }],
      },
    ],
  });
  return s;
}
