/**
 * The chart's files around its templates: `Chart.yaml`, the values files and schema,
 * `_helpers.tpl` (instance, labels, image and Secret-name helpers), `NOTES.txt` and the
 * `helm test` hook.
 */
import { stringify } from 'yaml';
import { contentHash } from '../model/canonical';
import type { DeploymentPlan } from '../model/plan';
import { scalarText } from './emit';
import type { JsonMap } from './json';
import { testHook, type ServicePorts } from './test-hook';

/** The marker a chart written by stackpilot carries in `Chart.yaml`. */
export const GENERATED_ANNOTATION = 'stackpilot.dev/generated-by';

/** Everything the files are made from. */
export interface ChartParts {
  plans: readonly DeploymentPlan[];
  /** Template file name → its documents. */
  documents: ReadonlyMap<string, string[]>;
  base: JsonMap;
  overlays: Record<string, JsonMap>;
  schema: object;
  services: ServicePorts[];
  /** The (tokenized) labels every pod of the app carries. */
  podLabels: { readonly [key: string]: string };
  /** Secret name → its keys. */
  secrets: ReadonlyMap<string, string[]>;
  releaseName: (environment: string) => string;
}

/** All chart files, by chart-relative path, sorted. */
export function chartFiles(parts: ChartParts): Record<string, string> {
  const app = parts.plans[0]!.app;
  const envs = parts.plans.map((p) => p.environment);
  const files: Record<string, string> = {
    'Chart.yaml': chartYaml(parts.plans),
    '.helmignore': '# Nothing in this chart is left out of its package.\n',
    'values.yaml': valuesYaml(
      parts.base,
      [
        `Values of ${app}, written by stackpilot from the ${envs[0]} plan.`,
        `Every environment's own file (values-<env>.yaml) holds only what it changes.`,
        'Secrets are referenced by name (secrets.<name>.existingSecret), never with values:',
        'create them before installing (see NOTES.txt for their keys).',
      ],
      parts.secrets,
    ),
    'values.schema.json': `${JSON.stringify(parts.schema, null, 2)}\n`,
    'templates/_helpers.tpl': helpers(app),
    'templates/NOTES.txt': notes(parts.secrets),
  };
  const hook = testHook(app, parts.services, parts.podLabels);
  if (hook) files['templates/tests/test-services.yaml'] = hook;
  parts.plans.forEach((p) => {
    files[`values-${p.environment}.yaml`] = valuesYaml(parts.overlays[p.environment]!, [
      `${p.environment}: what differs from values.yaml (plan ${p.hash}).`,
      `helm upgrade --install ${parts.releaseName(p.environment)} . -n ${p.namespace} -f values-${p.environment}.yaml`,
    ]);
  });
  for (const [file, docs] of parts.documents) {
    files[`templates/${file}`] = `${docs.join('\n---\n')}\n`;
  }
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * `Chart.yaml`: appVersion is the plan hash (with several environments, the hash of their
 * plan hashes; each plan's own is an annotation).
 */
function chartYaml(plans: readonly DeploymentPlan[]): string {
  const appVersion =
    plans.length === 1 ? plans[0]!.hash : contentHash(plans.map((p) => [p.environment, p.hash]));
  const annotations: Record<string, string> = { [GENERATED_ANNOTATION]: 'stackpilot' };
  for (const p of plans) annotations[`stackpilot.dev/plan-${p.environment}`] = p.hash;
  return stringify(
    {
      apiVersion: 'v2',
      name: plans[0]!.app,
      description: `${plans[0]!.app}, as stackpilot plans it for ${plans.map((p) => p.environment).join(', ')}`,
      type: 'application',
      version: '0.1.0',
      appVersion,
      annotations,
    },
    { version: '1.1' },
  );
}

function valuesYaml(
  values: JsonMap,
  header: string[],
  secrets?: ReadonlyMap<string, string[]>,
): string {
  const lines = header.map((h) => `# ${h}`);
  if (secrets?.size) {
    lines.push('#', '# Secrets and their keys:');
    for (const [name, keys] of secrets) lines.push(`#   ${name}: ${keys.join(', ')}`);
  }
  const body = Object.keys(values).length ? stringify(values, { version: '1.1' }) : '{}\n';
  return `${lines.join('\n')}\n${body}`;
}

function helpers(app: string): string {
  return `{{/*
The app.kubernetes.io/instance label of every selector. It comes from values, not from the
release name, so that selectors (immutable on Deployments and StatefulSets) stay what they are
under any release name; without it, the release name.
*/}}
{{- define "${app}.instance" -}}
{{- .Values.instance | default .Release.Name -}}
{{- end }}

{{/*
Labels of every object: managed-by and part-of, and the component's name when the object
belongs to one. Call with (dict "name" "<component>") or (dict).
*/}}
{{- define "${app}.labels" -}}
app.kubernetes.io/managed-by: stackpilot
{{- with .name }}
app.kubernetes.io/name: {{ . }}
{{- end }}
app.kubernetes.io/part-of: ${scalarText(app)}
{{- end }}

{{/*
An image reference from its values: repository, then :tag and/or @digest.
*/}}
{{- define "${app}.image" -}}
{{- .repository }}{{ with .tag }}:{{ . }}{{ end }}{{ with .digest }}@{{ . }}{{ end }}
{{- end }}

{{/*
The name of the Secret the operator provides for one of the plan's Secrets
(secrets.<name>.existingSecret). Call with (dict "root" $ "name" "<secret>").
*/}}
{{- define "${app}.secretName" -}}
{{- (index .root.Values.secrets .name).existingSecret -}}
{{- end }}
`;
}

function notes(secrets: ReadonlyMap<string, string[]>): string {
  const secretLines = [...secrets].map(
    ([name, keys]) =>
      `  {{ (index .Values.secrets ${JSON.stringify(name)}).existingSecret }}: ${keys.join(', ')}`,
  );
  return `{{ .Chart.Name }} (plan {{ .Chart.AppVersion }}) is release {{ .Release.Name }} in namespace {{ .Release.Namespace }}.

URLs:
{{- range $name, $i := .Values.ingresses }}
{{- if $i.enabled }}
  {{ if $i.tls }}https{{ else }}http{{ end }}://{{ $i.host }}/
{{- end }}
{{- end }}
${
  secretLines.length
    ? `
Secrets the pods read, which must exist before they start (create them with kubectl or your
secret store; values never go into values files):
${secretLines.join('\n')}
`
    : ''
}
Check every Service answers:
  helm test {{ .Release.Name }} -n {{ .Release.Namespace }}

Roll back:
  helm history {{ .Release.Name }} -n {{ .Release.Namespace }}
  helm rollback {{ .Release.Name }} <REVISION> -n {{ .Release.Namespace }}
When stackpilot delivers this chart (delivery: helm), roll back with stackpilot instead, so the
stack's history and the release agree:
  stackpilot rollback <app> --env <env>
`;
}
