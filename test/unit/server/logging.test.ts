import { strict as assert } from 'node:assert';
import request from 'supertest';
import { createApp } from '../../../src/server/app';
import { createLogger } from '../../../src/server/logger';
import { APP, fakeDeps } from './support/fakes';

describe('server: logs', () => {
  it('redacts credentials and secrets wherever they sit in a log line', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(l) } });
    logger.info(
      {
        req: { headers: { authorization: 'Bearer sp_live_abc', cookie: 'session=xyz' } },
        token: 'sp_live_def',
        engine: { passphrase: 'correct horse', secret: 'hunter2' },
        env: { PULUMI_CONFIG_PASSPHRASE: 'pp-1' },
      },
      'request',
    );
    const text = lines.join('');
    for (const secret of [
      'sp_live_abc',
      'session=xyz',
      'sp_live_def',
      'correct horse',
      'hunter2',
      'pp-1',
    ])
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    assert.equal(text.split('[redacted]').length - 1, 6);
  });

  it('logs a 500 with its errorId and stack, and requests with route, status and caller but not the token', async () => {
    const logLines: string[] = [];
    const { deps, tokens } = fakeDeps({ logLines });
    deps.pipeline.plan = async () => {
      throw new Error('kaboom');
    };
    const res = await request(createApp(deps))
      .post('/v1/plans')
      .set('Authorization', `Bearer ${tokens.deployer}`)
      .send({ environment: 'dev', app: APP })
      .expect(500);
    const entries = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const error = entries.find((e) => e.errorId === res.body.errorId);
    assert.ok(error, 'the errorId is in the log');
    assert.match(String((error.err as { stack?: string }).stack), /Error: kaboom\n\s+at /);
    const access = entries.find((e) => e.msg === 'request');
    assert.deepEqual(access && [access.method, access.route, access.status, access.who], [
      'POST',
      '/v1/plans',
      500,
      'deployer',
    ]);
    assert.ok(!logLines.join('').includes(tokens.deployer), 'the token is never logged');
    deps.store.close();
  });
});
