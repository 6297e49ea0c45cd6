import { strict as assert } from 'node:assert';
import { numberVersions, toHistoryEntry } from '../../../src/engine/history-entry';

const summary = (version: number, startTime: string) =>
  toHistoryEntry({
    version,
    kind: 'update',
    startTime: new Date(startTime),
    endTime: new Date(startTime),
    message: '',
    environment: {},
    config: {},
    result: 'succeeded',
  });

describe('engine/history-entry', () => {
  it('numbers the updates of a backend that reports version 0 for all (the file backend), oldest 1', () => {
    const entries = ['03', '02', '01'].map((d) => summary(0, `2030-01-${d}T00:00:00Z`));
    assert.deepEqual(
      numberVersions(entries).map((e) => e.version),
      [3, 2, 1],
    );
  });

  it('keeps the versions a backend reports', () => {
    const entries = [summary(7, '2030-01-02T00:00:00Z'), summary(6, '2030-01-01T00:00:00Z')];
    assert.deepEqual(
      numberVersions(entries).map((e) => e.version),
      [7, 6],
    );
  });
});
