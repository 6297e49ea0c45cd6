/**
 * Datastores and model servers beyond Postgres, Redis and the brokers: MySQL/MariaDB, Neo4j,
 * Elasticsearch/OpenSearch, Meilisearch, Weaviate, Milvus, MinIO and Ollama are recognised from
 * compose images, connection URLs, env names and client libraries, wired by edges, and planned.
 */
import { strict as assert } from 'node:assert';
import {
  storeFromEnvName,
  storeFromImage,
  storeFromScheme,
} from '../../../src/analyze/detectors/datastores';
import { planFor } from '../plan/support/plan';
import { assembleFiles, component } from './support';

const COMPOSE = `services:
  chat:
    build: ./chat
    ports: ["8501:8501"]
    environment:
      NEO4J_URI: bolt://graph:7687
      OLLAMA_BASE_URL: http://llm:11434
  graph:
    image: neo4j:5.26.0
  llm:
    image: ollama/ollama:0.4.7
  search:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.16.1
  files:
    image: quay.io/minio/minio:RELEASE.2024-11-07T00-52-20Z
`;

describe('analyze: more datastores and model servers', () => {
  it('maps images, schemes and env names to their engines', () => {
    assert.deepEqual(
      [
        'mariadb:11.4',
        'bitnami/mysql:8.4',
        'neo4j:5',
        'opensearchproject/opensearch:2.18.0',
        'getmeili/meilisearch:v1.11',
        'cr.weaviate.io/semitechnologies/weaviate:1.27.6',
        'milvusdb/milvus:v2.4.17',
        'minio/minio:latest',
        'ollama/ollama',
        'redislabs/redismod',
      ].map(storeFromImage),
      [
        'mysql',
        'mysql',
        'neo4j',
        'elasticsearch',
        'meilisearch',
        'weaviate',
        'milvus',
        'minio',
        'ollama',
        'redis',
      ],
    );
    assert.deepEqual(['mysql+pymysql', 'neo4j+s', 'bolt'].map(storeFromScheme), [
      'mysql',
      'neo4j',
      'neo4j',
    ]);
    assert.deepEqual(
      ['MYSQL_HOST', 'NEO4J_URI', 'ELASTICSEARCH_URL', 'MEILI_HOST', 'OLLAMA_HOST', 'HOSTNAME'].map(
        storeFromEnvName,
      ),
      ['mysql', 'neo4j', 'elasticsearch', 'meilisearch', 'ollama', undefined],
    );
  });

  it('makes compose services of those images datastores, with edges from the URLs that name them', () => {
    const model = assembleFiles({
      'docker-compose.yml': COMPOSE,
      'chat/requirements.txt': 'fastapi==0.115.5\nneo4j==5.26.0\nlangchain-ollama==0.2.1\n',
      'chat/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
    });
    assert.deepEqual(
      model.components.map((c) => [c.name, c.kind, c.framework?.name, c.port]),
      [
        ['chat', 'backend', 'fastapi', 8501],
        ['files', 'database', 'minio', 9000],
        ['graph', 'database', 'neo4j', 7687],
        ['llm', 'backend', 'ollama', 11434],
        ['search', 'database', 'elasticsearch', 9200],
      ],
    );
    const edges = model.edges
      .filter((e) => e.from === 'chat')
      .map((e) => [e.to, e.via, e.envVar ?? '-']);
    assert.deepEqual(edges, [
      ['graph', 'env', 'NEO4J_URI'],
      ['llm', 'env', 'OLLAMA_BASE_URL'],
    ]);
    // The client libraries point at the same engines: no second Neo4j or Ollama is invented.
    assert.equal(model.components.filter((c) => c.framework?.name === 'neo4j').length, 1);
    assert.equal(model.components.filter((c) => c.framework?.name === 'ollama').length, 1);
  });

  it('runs an engine the app needs but nothing supplies from its pinned default image, and a hosted one stays external', async () => {
    const model = assembleFiles({
      'api/package.json':
        '{ "scripts": { "start": "node i.js" }, "dependencies": { "express": "^5.1.0", "mysql2": "^3.11.0" } }',
      'api/i.js': "require('express')().listen(3000);\nconst u = process.env.MYSQL_HOST;\n",
      'search/requirements.txt': 'fastapi==0.115.5\nneo4j==5.26.0\n',
      'search/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      'search/.env.example': 'NEO4J_URI=neo4j+s://abcd1234.databases.neo4j.io\n',
    });
    const mysql = component(model, 'mysql');
    assert.equal(mysql.kind, 'database');
    assert.deepEqual(mysql.build, { strategy: 'image', image: 'mysql:8.4.3' });
    assert.ok(model.edges.some((e) => e.from === 'api' && e.to === 'mysql'));
    assert.ok(!model.components.some((c) => c.framework?.name === 'neo4j'));
    const hosted = model.externalServices.find((s) => s.usedBy.includes('search'));
    assert.deepEqual([hosted?.id, hosted?.provider], ['host:abcd1234.databases.neo4j.io', 'neo4j']);

    // Planned as a StatefulSet with a claim, never mistaken for Postgres.
    const plan = await planFor('dev', {}, model);
    const placement = plan.decisions.find((d) => d.subject === 'mysql' && d.topic === 'placement');
    assert.match(placement?.choice ?? '', /^in-cluster StatefulSet \(mysql:8\.4\.3/);
    assert.ok(!JSON.stringify(plan.nodes).includes('postgres'));
  });
});
