/**
 * Turns the engine's structured events into stackpilot's secret-free OperationEvents and
 * collects the steps and change summary of an operation from them.
 */
import type { EngineEvent, OpType } from '@pulumi/pulumi/automation';
import type { ChangeSummary, OperationEvent, Step, StepOp } from '../model/operations';
import { redact } from './redact';

const OPS: Record<string, StepOp> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  'create-replacement': 'replace',
  'delete-replaced': 'replace',
  delete: 'delete',
  same: 'same',
  read: 'read',
  refresh: 'refresh',
  import: 'import',
  discard: 'discard',
};

/** stackpilot's name for an engine op, e.g. `create-replacement` → `replace`. */
export function stepOp(op: OpType | string): StepOp {
  return OPS[op] ?? 'update';
}

/** The resource name at the end of a URN. */
export function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf('::') + 2);
}

/** Callback that receives events while an operation runs. */
export type EventSink = (event: OperationEvent) => void;

/**
 * Accumulates steps from events and forwards neutral events to a sink. The stack resource
 * and provider resources are left out of the steps: they are Pulumi's, not the plan's.
 */
export class StepRecorder {
  private readonly byUrn = new Map<string, Step>();

  constructor(
    private readonly sink: EventSink | undefined,
    private readonly secrets: readonly string[],
  ) {}

  readonly onEvent = (event: EngineEvent): void => {
    const neutral = this.toOperationEvent(event);
    if (neutral && this.sink) this.sink(neutral);
  };

  /** Steps in the order the engine reported them (which respects every dependsOn). */
  steps(): Step[] {
    return [...this.byUrn.values()];
  }

  /** Counts of plan resources per op (Pulumi's own stack and provider resources left out). */
  changes(): ChangeSummary {
    const counts: ChangeSummary = {};
    for (const s of this.byUrn.values()) counts[s.op] = (counts[s.op] ?? 0) + 1;
    return counts;
  }

  private toOperationEvent(event: EngineEvent): OperationEvent | undefined {
    const sequence = event.sequence;
    if (event.resourcePreEvent) {
      const m = event.resourcePreEvent.metadata;
      if (isPulumiInternal(m.type)) return undefined;
      const op = stepOp(m.op);
      const existing = this.byUrn.get(m.urn);
      // A replacement shows as create-replacement then delete-replaced: keep one step. An up
      // that refreshes first reports each resource's refresh before what it does to it.
      if (!existing || existing.op === 'same' || existing.op === 'refresh') {
        this.byUrn.set(m.urn, {
          op,
          type: m.type,
          name: urnName(m.urn),
          urn: m.urn,
          diffs: [...(m.diffs ?? [])].sort(),
          replaceReasons: [...(m.keys ?? [])].sort(),
        });
      }
      return { sequence, kind: 'step-start', op, type: m.type, name: urnName(m.urn) };
    }
    if (event.resOutputsEvent) {
      const m = event.resOutputsEvent.metadata;
      if (isPulumiInternal(m.type)) return undefined;
      return { sequence, kind: 'step-done', op: stepOp(m.op), type: m.type, name: urnName(m.urn) };
    }
    if (event.resOpFailedEvent) {
      const m = event.resOpFailedEvent.metadata;
      return {
        sequence,
        kind: 'step-failed',
        op: stepOp(m.op),
        type: m.type,
        name: urnName(m.urn),
      };
    }
    if (event.diagnosticEvent) {
      const d = event.diagnosticEvent;
      if (d.ephemeral) {
        // The provider's transient status of a resource it waits for.
        if (!d.urn || !d.message.trim()) return undefined;
        return {
          sequence,
          kind: 'progress',
          message: redact(d.message.trim(), this.secrets),
          name: urnName(d.urn),
        };
      }
      const severity = d.severity === 'info#err' ? 'info' : d.severity;
      return {
        sequence,
        kind: 'diagnostic',
        severity,
        message: redact(d.message.trim(), this.secrets),
        ...(d.urn ? { name: urnName(d.urn) } : {}),
      };
    }
    if (event.summaryEvent) {
      const changes: ChangeSummary = {};
      for (const [op, n] of Object.entries(event.summaryEvent.resourceChanges ?? {})) {
        changes[stepOp(op)] = (changes[stepOp(op)] ?? 0) + (n ?? 0);
      }
      return { sequence, kind: 'summary', changes };
    }
    return undefined;
  }
}

function isPulumiInternal(type: string): boolean {
  return type === 'pulumi:pulumi:Stack' || type.startsWith('pulumi:providers:');
}
