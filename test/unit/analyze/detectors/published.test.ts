import { strict as assert } from 'node:assert';
import { parseCompose } from '../../../../src/analyze/detectors/compose';
import { detectComposePublished } from '../../../../src/analyze/detectors/published-compose';
import type {
  BuiltComponent,
  PublishedContext,
} from '../../../../src/analyze/detectors/published-context';
import { detectHelmPublished } from '../../../../src/analyze/detectors/published-helm';
import {
  detectManifestPublished,
  manifestFiles,
} from '../../../../src/analyze/detectors/published-manifests';
import { detectSkaffoldPublished } from '../../../../src/analyze/detectors/published-skaffold';
import { WarningSink } from '../../../../src/analyze/warnings';
import { assembleFiles, component, repoOf } from '../support';

function ctxOf(
  files: Record<string, string>,
  components: BuiltComponent[],
  appName = 'shop',
): PublishedContext {
  const repo = repoOf(files);
  const warnings = new WarningSink();
  return { repo, warnings, appName, services: parseCompose(repo, warnings), components };
}

const API: BuiltComponent = { name: 'api', context: 'services/api' };
const WEB: BuiltComponent = { name: 'web', context: 'services/web' };

const DEPLOYMENT = (workload: string, containers: Array<[string, string]>): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${workload}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    ...containers.flatMap(([name, image]) => [
      `        - name: ${name}`,
      `          image: ${image}`,
    ]),
    '',
  ].join('\n');

describe('analyze/detectors: published images', () => {
  describe('compose', () => {
    it('takes image: of a service that also builds, with its line; not of one that only pulls', () => {
      const ctx = ctxOf(
        {
          'compose.yaml': [
            'services:',
            '  api:',
            '    build: ./services/api',
            '    image: ghcr.io/acme/api:1.4.2',
            '  web:',
            '    build: ./services/web',
            '  redis:',
            '    image: redis:7.4.1-alpine',
            '',
          ].join('\n'),
        },
        [API, WEB],
      );
      assert.deepEqual(detectComposePublished(ctx), [
        {
          component: 'api',
          image: 'ghcr.io/acme/api:1.4.2',
          from: 'compose',
          loc: {
            file: 'compose.yaml',
            line: 4,
            note: 'compose service api builds services/api and names it ghcr.io/acme/api:1.4.2',
          },
        },
      ]);
    });

    it('needs the component built from the service’s own context', () => {
      const ctx = ctxOf(
        { 'compose.yaml': 'services:\n  api:\n    build: ./other\n    image: acme/api:1\n' },
        [API],
      );
      assert.deepEqual(detectComposePublished(ctx), []);
    });
  });

  describe('Kubernetes manifests', () => {
    it('matches containers by name, else the first container of a workload named <component> or <app>-<component>', () => {
      const ctx = ctxOf(
        {
          'k8s/api.yaml': DEPLOYMENT('backend', [
            ['api', 'ghcr.io/acme/api:1.4.2'],
            ['proxy', 'envoyproxy/envoy:v1.32.1'],
          ]),
          'deploy/base/web.yml': `# web\n---\n${DEPLOYMENT('shop-web', [
            ['server', 'ghcr.io/acme/web:2.0.1'],
            ['sidecar', 'busybox:1.37'],
          ])}`,
        },
        [API, WEB],
      );
      assert.deepEqual(detectManifestPublished(ctx), [
        {
          component: 'web',
          image: 'ghcr.io/acme/web:2.0.1',
          from: 'manifest',
          loc: {
            file: 'deploy/base/web.yml',
            line: 12,
            note: 'container server of Deployment shop-web',
          },
        },
        {
          component: 'api',
          image: 'ghcr.io/acme/api:1.4.2',
          from: 'manifest',
          loc: { file: 'k8s/api.yaml', line: 10, note: 'container api of Deployment backend' },
        },
      ]);
      assert.deepEqual(ctx.warnings.list(), []);
    });

    it('reads CronJob and StatefulSet pod specs, and ignores other kinds', () => {
      const cron = [
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: { name: report }',
        'spec:',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        spec:',
        '          containers:',
        '            - { name: api, image: "ghcr.io/acme/api:1.4.2" }',
        '---',
        'kind: StatefulSet',
        'metadata: { name: web }',
        'spec: { template: { spec: { containers: [{ name: main, image: acme/web:3 }] } } }',
        '---',
        'kind: Pod',
        'metadata: { name: api }',
        'spec: { containers: [{ name: api, image: acme/api:9 }] }',
        '',
      ].join('\n');
      const ctx = ctxOf({ 'manifests/all.yaml': cron }, [API, WEB]);
      assert.deepEqual(
        detectManifestPublished(ctx).map((c) => [c.component, c.image, c.loc.line]),
        [
          ['api', 'ghcr.io/acme/api:1.4.2', 10],
          ['web', 'acme/web:3', 14],
        ],
      );
    });

    it('looks only in manifest directories, outside Helm charts, and never at templates', () => {
      const files = {
        'k8s/api.yaml': DEPLOYMENT('api', [['api', 'a:1']]),
        'src/api.yaml': DEPLOYMENT('api', [['api', 'b:1']]),
        'deploy/chart/Chart.yaml': 'name: shop\n',
        'deploy/chart/templates/api.yaml': DEPLOYMENT('api', [['api', 'c:1']]),
        'kubernetes/tpl.yaml': DEPLOYMENT('{{ .Name }}', [['api', 'd:1']]),
        'k8s/compose.yaml': DEPLOYMENT('api', [['api', 'e:1']]),
        'k8s/config.yaml': 'kind: ConfigMap\ndata: { a: b }\n',
      };
      assert.deepEqual(manifestFiles(repoOf(files)), ['k8s/api.yaml']);
    });

    it('turns a bad document into an invalid-yaml warning naming file and line, and reads the others', () => {
      const ctx = ctxOf(
        {
          'k8s/app.yaml': [
            'kind: Deployment',
            'metadata: { name: web',
            'spec: {}',
            '---',
            DEPLOYMENT('api', [['api', 'ghcr.io/acme/api:1.4.2']]),
          ].join('\n'),
        },
        [API, WEB],
      );
      assert.deepEqual(
        detectManifestPublished(ctx).map((c) => c.image),
        ['ghcr.io/acme/api:1.4.2'],
      );
      const [w, ...rest] = ctx.warnings.list();
      assert.deepEqual(rest, []);
      assert.equal(w!.code, 'invalid-yaml');
      assert.equal(w!.file, 'k8s/app.yaml');
      assert.equal(w!.line, 3);
      assert.match(
        w!.message,
        /^k8s\/app\.yaml: invalid YAML: .*; container images in it are ignored$/,
      );
    });
  });

  describe('Helm', () => {
    const chart = (name: string): string => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;

    it('reads <component>.image (camelCase too) with repository, tag kept as written', () => {
      const ctx = ctxOf(
        {
          'charts/shop/Chart.yaml': chart('shop'),
          'charts/shop/values.yaml': [
            'api:',
            '  image:',
            '    repository: ghcr.io/acme/api',
            '    tag: 1.10',
            'apiGateway:',
            '  image: { registry: ghcr.io/, repository: acme/gw, digest: "sha256:abc" }',
            '',
          ].join('\n'),
        },
        [API, { name: 'api-gateway', context: 'gw' }],
      );
      assert.deepEqual(detectHelmPublished(ctx), [
        {
          component: 'api',
          image: 'ghcr.io/acme/api:1.10',
          from: 'helm',
          loc: { file: 'charts/shop/values.yaml', line: 3, note: 'chart shop values api.image' },
        },
        {
          component: 'api-gateway',
          image: 'ghcr.io/acme/gw@sha256:abc',
          from: 'helm',
          loc: {
            file: 'charts/shop/values.yaml',
            line: 6,
            note: 'chart shop values apiGateway.image',
          },
        },
      ]);
    });

    it('gives the top-level image to the component the chart is named after, or to the only built one', () => {
      const values = 'image:\n  repository: ghcr.io/acme/web\n  tag: ""\n';
      const named = ctxOf({ 'chart/Chart.yaml': chart('web'), 'chart/values.yaml': values }, [
        API,
        WEB,
      ]);
      assert.deepEqual(
        detectHelmPublished(named).map((c) => [c.component, c.image, c.loc.line]),
        [['web', 'ghcr.io/acme/web', 2]],
      );
      const single = ctxOf({ 'chart/Chart.yaml': chart('whatever'), 'chart/values.yaml': values }, [
        API,
      ]);
      assert.deepEqual(
        detectHelmPublished(single).map((c) => c.component),
        ['api'],
      );
      const ambiguous = ctxOf({ 'chart/Chart.yaml': chart('shop'), 'chart/values.yaml': values }, [
        API,
        WEB,
      ]);
      assert.deepEqual(detectHelmPublished(ambiguous), []);
      const otherChart = ctxOf(
        {
          'chart/Chart.yaml': chart('redis-ha'),
          'chart/values.yaml': 'api:\n  image: { repository: x, tag: "1" }\n',
        },
        [API, WEB],
      );
      assert.deepEqual(detectHelmPublished(otherChart), [], 'a chart of someone else');
    });

    it('reports bad values.yaml with file and line', () => {
      const ctx = ctxOf(
        {
          'chart/Chart.yaml': chart('shop'),
          'chart/values.yaml': 'api:\n  image:\n    repository: [unclosed\n',
        },
        [API],
      );
      assert.deepEqual(detectHelmPublished(ctx), []);
      assert.deepEqual(
        ctx.warnings.list().map((w) => [w.code, w.file, w.line]),
        [['invalid-yaml', 'chart/values.yaml', 3]],
      );
    });
  });

  describe('skaffold', () => {
    it('matches artifacts to every component of their context (relative to the file), names without tags', () => {
      const ctx = ctxOf(
        {
          'deploy/skaffold.yaml': [
            'apiVersion: skaffold/v4beta11',
            'kind: Config',
            'build:',
            '  artifacts:',
            '    - image: ghcr.io/acme/api',
            '      context: ../services/api',
            '    - image: ghcr.io/acme/unused',
            '      context: ../nothing',
            '',
          ].join('\n'),
        },
        [API, { name: 'migrate', context: 'services/api' }, WEB],
      );
      assert.deepEqual(
        detectSkaffoldPublished(ctx).map((c) => [c.component, c.image, c.loc.file, c.loc.line]),
        [
          ['api', 'ghcr.io/acme/api', 'deploy/skaffold.yaml', 5],
          ['migrate', 'ghcr.io/acme/api', 'deploy/skaffold.yaml', 5],
        ],
      );
    });

    it('reports bad YAML with file and line', () => {
      const ctx = ctxOf({ 'skaffold.yaml': 'build:\n  artifacts:\n    - image: "x\n' }, [API]);
      assert.deepEqual(detectSkaffoldPublished(ctx), []);
      assert.deepEqual(
        ctx.warnings.list().map((w) => [w.code, w.file, w.line]),
        [['invalid-yaml', 'skaffold.yaml', 3]],
      );
    });
  });

  describe('on the assembled model', () => {
    const API_DOCKERFILE = 'FROM python:3.12-slim\nCMD ["python", "-m", "api"]\n';
    const base = {
      'services/api/Dockerfile': API_DOCKERFILE,
      'services/api/requirements.txt': 'flask==3.0.3\n',
      'services/api/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      'skaffold.yaml':
        'build:\n  artifacts:\n    - image: acme/api-skaffold\n      context: services/api\n',
      'chart/Chart.yaml': 'name: repo\n',
      'chart/values.yaml': 'api:\n  image: acme/api-helm:3\n',
      'k8s/api.yaml': DEPLOYMENT('api', [['api', 'acme/api-manifest:2']]),
    };
    const compose =
      'services:\n  api:\n    build: ./services/api\n    image: acme/api-compose:1\n  redis:\n    image: redis:7.4.1-alpine\n';

    it('prefers compose, then manifests, then Helm, then skaffold', () => {
      const rows: Array<[Record<string, string | undefined>, string, string]> = [
        [{ 'compose.yaml': compose }, 'acme/api-compose:1', 'compose'],
        [{ 'compose.yaml': undefined }, 'acme/api-manifest:2', 'manifest'],
        [{ 'k8s/api.yaml': undefined }, 'acme/api-helm:3', 'helm'],
        [
          { 'k8s/api.yaml': undefined, 'chart/values.yaml': undefined },
          'acme/api-skaffold',
          'skaffold',
        ],
      ];
      for (const [change, image, from] of rows) {
        const files: Record<string, string> = {};
        for (const [k, v] of Object.entries({ ...base, ...change }))
          if (v !== undefined) files[k] = v;
        const model = assembleFiles(files);
        assert.deepEqual(
          [
            component(model, 'api').publishedImage?.image,
            component(model, 'api').publishedImage?.from,
          ],
          [image, from],
          JSON.stringify(change),
        );
      }
    });

    it('leaves prebuilt images and components nothing names without one, and keeps its evidence', () => {
      const model = assembleFiles({ ...base, 'compose.yaml': compose });
      assert.equal(component(model, 'redis').publishedImage, undefined);
      assert.deepEqual(component(model, 'api').publishedImage, {
        image: 'acme/api-compose:1',
        from: 'compose',
        evidence: {
          field: 'publishedImage',
          file: 'compose.yaml',
          line: 4,
          note: 'compose service api builds services/api and names it acme/api-compose:1',
        },
      });
      const plain = assembleFiles({
        'services/api/Dockerfile': API_DOCKERFILE,
        'services/api/requirements.txt': 'flask==3.0.3\n',
      });
      assert.equal(component(plain, 'api').publishedImage, undefined);
    });

    it('still reports a malformed lower-precedence file when a higher one named the image', () => {
      const model = assembleFiles({
        ...base,
        'compose.yaml': compose,
        'skaffold.yaml': 'build: [\n',
      });
      assert.equal(component(model, 'api').publishedImage?.from, 'compose');
      assert.deepEqual(
        model.warnings.filter((w) => w.code === 'invalid-yaml').map((w) => [w.file, w.line]),
        [['skaffold.yaml', 1]],
      );
    });
  });
});
