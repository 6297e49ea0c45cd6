/**
 * Spring Boot configuration: `application.properties` (`key=value`, `key: value`) and
 * `application.yml` / `.yaml` (nested maps flattened to dotted keys), each property with its
 * line. YAML documents activated only for a profile (`spring.config.activate.on-profile`) are
 * left out: the default profile is what runs unless the deployment says otherwise.
 */
import type { SourceText } from '../repo';
import { parseYamlDocuments } from './yaml';

/** A property as written (placeholders unresolved), with its line. */
export interface SpringProperty {
  value: string;
  line: number;
}

/** The properties of one Spring config file, by dotted key. */
export function springProperties(src: SourceText): Map<string, SpringProperty> {
  return /\.ya?ml$/.test(src.path) ? yamlProperties(src) : propertiesFile(src);
}

function propertiesFile(src: SourceText): Map<string, SpringProperty> {
  const out = new Map<string, SpringProperty>();
  const lines = src.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*([\w.[\]-]+)\s*[=:]\s*(.*?)\s*$/.exec(lines[i]!);
    if (m && !/^\s*[#!]/.test(lines[i]!)) out.set(m[1]!, { value: m[2]!, line: i + 1 });
  }
  return out;
}

function yamlProperties(src: SourceText): Map<string, SpringProperty> {
  const out = new Map<string, SpringProperty>();
  for (const doc of parseYamlDocuments(src.text, { strings: true })) {
    if (!doc.ok) continue;
    const flat = new Map<string, SpringProperty>();
    const walk = (value: unknown, path: string[]): void => {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      } else if (typeof value === 'string' && path.length) {
        flat.set(path.join('.'), { value, line: doc.value.lineOf(path) ?? 1 });
      }
    };
    walk(doc.value.value, []);
    if (flat.has('spring.config.activate.on-profile') || flat.has('spring.profiles')) continue;
    for (const [k, v] of flat) if (!out.has(k)) out.set(k, v);
  }
  return out;
}
