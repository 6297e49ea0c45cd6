/** Reads of a stack that does not exist answer alike: 404 for history and for current. */
import { strict as assert } from 'node:assert';
import request from 'supertest';
import { NotFoundError } from '../../../src/model/errors';
import { createApp } from '../../../src/server/app';
import { fakeDeps } from './support/fakes';

describe('server: reads of a missing stack', () => {
  const { deps, tokens, engine } = fakeDeps();
  const server = createApp(deps);
  after(() => deps.store.close());
  const get = (path: string) =>
    request(server)
      .get(path)
      .set({ Authorization: `Bearer ${tokens.viewer}` });

  it('answers 404 for current as for history', async () => {
    engine.history = async (project: string, environment: string) => {
      throw new NotFoundError(`stack ${project}/${environment} does not exist yet`);
    };
    const history = await get('/v1/stacks/dev/history?project=shop');
    const current = await get('/v1/stacks/dev/current?project=shop');
    assert.deepEqual(
      [history.status, history.body.code, current.status, current.body.code],
      [404, 'not_found', 404, 'not_found'],
    );
  });
});
