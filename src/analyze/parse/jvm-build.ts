/**
 * JVM build files: the dependencies of a Maven `pom.xml` (`<dependency>` blocks) and of a
 * Gradle `build.gradle` / `build.gradle.kts` (`implementation 'group:artifact:version'` in
 * Groovy or Kotlin form), each located by line, and the Spring Boot version from the Maven
 * parent or the Gradle plugin.
 */
import type { SourceText } from '../repo';
import type { Dependency } from './package-json';

/** What a JVM build file declares. */
export interface JvmBuild {
  file: string;
  /** Dependencies by `group:artifact`; test-scoped ones are `dev`. */
  deps: Map<string, Dependency>;
  /** Spring Boot version from `spring-boot-starter-parent` or the `org.springframework.boot` plugin. */
  springBoot?: { version: string; line: number };
}

const TEST_CONFIGS = /^(test\w*|androidTest\w*)$/;
const GRADLE_DEP =
  /^\s*(\w+)\s*\(?\s*(?:platform\s*\(\s*)?["']([\w.-]+):([\w.-]+)(?::([^"':@]+))?[^"']*["']/gm;

/** Parses a pom.xml, build.gradle or build.gradle.kts by its file name. */
export function parseJvmBuild(src: SourceText): JvmBuild {
  return src.path.endsWith('pom.xml') ? parsePom(src) : parseGradle(src);
}

function tag(block: string, name: string): string | undefined {
  return new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(block)?.[1];
}

function parsePom(src: SourceText): JvmBuild {
  const out: JvmBuild = { file: src.path, deps: new Map() };
  const text = src.text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(text);
  if (parent && tag(parent[1]!, 'artifactId') === 'spring-boot-starter-parent') {
    const version = tag(parent[1]!, 'version');
    if (version) out.springBoot = { version, line: src.lineAt(parent.index) };
  }
  // Dependencies under <dependencyManagement> only pin versions; they are not used.
  const managed = /<dependencyManagement>[\s\S]*?<\/dependencyManagement>/.exec(text);
  for (const m of text.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    if (managed && m.index > managed.index && m.index < managed.index + managed[0].length) continue;
    const group = tag(m[1]!, 'groupId');
    const artifact = tag(m[1]!, 'artifactId');
    if (!group || !artifact) continue;
    const version = tag(m[1]!, 'version');
    const name = `${group}:${artifact}`;
    const at = m.index + m[0].indexOf('<artifactId>');
    out.deps.set(name, {
      name,
      ...(version && !version.startsWith('${') ? { spec: version } : {}),
      extras: [],
      dev: tag(m[1]!, 'scope') === 'test',
      file: src.path,
      line: src.lineAt(at),
    });
  }
  return out;
}

function parseGradle(src: SourceText): JvmBuild {
  const out: JvmBuild = { file: src.path, deps: new Map() };
  const plugin =
    /\bid\s*\(?\s*["']org\.springframework\.boot["']\s*\)?\s*version\s*\(?\s*["']([^"']+)["']/.exec(
      src.text,
    );
  if (plugin) out.springBoot = { version: plugin[1]!, line: src.lineAt(plugin.index) };
  for (const m of src.text.matchAll(GRADLE_DEP)) {
    const [, config, group, artifact, version] = m;
    if (config === 'id' || config === 'classpath') continue;
    const name = `${group}:${artifact}`;
    const dev = TEST_CONFIGS.test(config!);
    const cur = out.deps.get(name);
    if (cur && !cur.dev) continue;
    out.deps.set(name, {
      name,
      ...(version ? { spec: version } : {}),
      extras: [],
      dev,
      file: src.path,
      line: src.lineAt(m.index + m[0].search(/\S/)),
    });
  }
  return out;
}
