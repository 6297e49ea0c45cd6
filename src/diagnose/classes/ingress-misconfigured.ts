/**
 * ingress-misconfigured: an Ingress no controller serves or that routes nowhere. Its class is
 * missing (none named and no default IngressClass, or one that does not exist), a backend
 * Service or port it names does not exist (drift), or no controller gave it an address.
 */
import type { Finding, Fix } from '../../model/diagnosis';
import type { IngressClassSnapshot, IngressSnapshot } from '../../model/snapshot';
import { ref, unreadable, type DiagnoseContext } from '../context';
import { commandFix, configFix, upCommand } from '../fixes';
import { componentOf, decisionOf, nodeOf } from '../link';

/** Every problem of every Ingress, one finding each. */
export function ingressMisconfigured(ctx: DiagnoseContext): Finding[] {
  return ctx.snap.ingresses.flatMap((i) => check(ctx, i));
}

function check(ctx: DiagnoseContext, ing: IngressSnapshot): Finding[] {
  const component = componentOf(ctx.plan, 'Ingress', ing.name);
  const planned = nodeOf(ctx.plan, 'Ingress', ing.name);
  const base = {
    class: 'ingress-misconfigured' as const,
    ...(component ? { component } : {}),
    object: ref(ctx, 'Ingress', ing.name),
  };
  const classLine = `spec.ingressClassName: ${ing.className ?? '(none)'}`;
  const addressLine = `status.loadBalancer.ingress: ${ing.hasAddress ? 'has an address' : '(none)'}`;
  const out: Finding[] = [];
  let classMissing = false;
  const classes = ctx.snap.ingressClasses;
  const classDecision = decisionOf(
    ctx.plan,
    component,
    ['networking', 'ingress controller'],
    ['exposure', 'route'],
  );
  const routeDecision = decisionOf(ctx.plan, component, ['exposure', 'route']);
  if (classes && !unreadable(ctx, 'IngressClass')) {
    const names =
      classes.map((c) => `${c.name}${c.isDefault ? ' (default)' : ''}`).join(', ') || '(none)';
    const evidence = [classLine, `IngressClasses: ${names}`, addressLine];
    const missing = ing.className
      ? !classes.some((c) => c.name === ing.className)
      : !classes.some((c) => c.isDefault);
    if (missing) {
      classMissing = true;
      const fix = classFix(classes, ing);
      out.push({
        ...base,
        evidence,
        cause: ing.className
          ? `IngressClass ${ing.className} does not exist (the cluster has: ${names}): no controller serves this Ingress`
          : `the Ingress names no class and the cluster has no default IngressClass (it has: ${names}): no controller serves it`,
        ...(classDecision ? { decision: classDecision } : {}),
        ...(fix ? { fix } : {}),
      });
    }
  }
  if (!unreadable(ctx, 'Service')) {
    for (const b of ing.backends ?? []) {
      const svc = ctx.snap.services.find((s) => s.name === b.service);
      const ok =
        svc &&
        svc.ports.some((p) => (typeof b.port === 'number' ? p.port === b.port : p.name === b.port));
      if (ok) continue;
      const ports = svc?.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}`).join(', ');
      out.push({
        ...base,
        evidence: [
          `backend: service ${b.service} port ${b.port}`,
          svc
            ? `Service ${ctx.namespace}/${b.service} ports: ${ports || '(none)'}`
            : `Service ${ctx.namespace}/${b.service}: not found`,
        ],
        cause: svc
          ? `the Ingress routes to port ${b.port} of Service ${b.service}, which has no such port`
          : `the Ingress routes to Service ${b.service}, which does not exist`,
        ...(routeDecision ? { decision: routeDecision } : {}),
        ...(planned
          ? {
              fix: commandFix(
                upCommand(ctx.environment),
                `the plan routes ${ing.name} to a Service and port it creates; the live objects differ (drift), and re-applying the plan restores them`,
              ),
            }
          : {}),
      });
    }
  }
  // A missing class already explains why no controller gave it an address.
  if (!ing.hasAddress && !classMissing)
    out.push({
      ...base,
      evidence: [classLine, addressLine],
      cause: `no ingress controller has admitted the Ingress (no address)${ing.className ? `: check that a controller for class ${ing.className} runs and watches this namespace` : ''}`,
      ...(classDecision ? { decision: classDecision } : {}),
    });
  return out;
}

/** `stackpilot:ingressClass: <class>`: the default class, else the only one. */
function classFix(classes: IngressClassSnapshot[], ing: IngressSnapshot): Fix | undefined {
  const pick = classes.find((c) => c.isDefault) ?? (classes.length === 1 ? classes[0] : undefined);
  if (!pick || pick.name === ing.className) return undefined;
  return configFix(
    { ingressClass: pick.name },
    `the Ingress asks for ${ing.className ? `class ${ing.className}, which the cluster does not have` : 'the default class, which the cluster does not have'}; ${pick.name} is ${pick.isDefault ? 'its default' : 'its only'} IngressClass`,
  );
}
