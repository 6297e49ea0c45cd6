/**
 * One object's template document: its values map bound to `$v`, the whole document inside the
 * object's `enabled` switch (the Namespace's `create`; a ServiceMonitor also needs the chart's
 * `serviceMonitor.enabled`), then the object's template tree.
 */
import { mapLines, quote, type EmitContext } from './emit';
import type { ChartObject } from './objects';
import type { TNode } from './tree';

/** The template text of one object, tuned under `.Values.<root>`. */
export function documentText(
  ctx: EmitContext,
  obj: ChartObject,
  root: string[],
  tree: TNode,
): string {
  if (tree.t !== 'map') throw new Error(`${obj.nodeId}: an object's template must be a map`);
  const head =
    root.length === 1
      ? [`{{- $v := .Values.${root[0]} }}`, '{{- if $v.create }}']
      : [
          `{{- $v := index .Values.${root[0]} ${quote(root[1]!)} }}`,
          obj.nodeKind === 'service-monitor'
            ? '{{- if and .Values.serviceMonitor.enabled $v.enabled }}'
            : '{{- if $v.enabled }}',
        ];
  return [...head, ...mapLines(ctx, tree.entries, 0), '{{- end }}'].join('\n');
}
