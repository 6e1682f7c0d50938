import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Checkpointer } from '../../src/detector/state/checkpointer.ts';
import { DEFAULT_LIMITS } from '../../src/detector/state/limits.ts';
import type { LocalStore } from '../../src/detector/state/local-store.ts';
import { EntityStore } from '../../src/detector/state/store.ts';
import type { Log } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';

/** A local store whose writes finish when the test says so: a disk slower than the checkpoint interval. */
function slowLocalStore(): { local: LocalStore; writes: number; finish: () => void } {
  const waiting: Array<() => void> = [];
  const handle = {
    writes: 0,
    finish: () => waiting.shift()?.(),
    local: {
      meta: () => undefined,
      checkpoint: () => {
        handle.writes++;
        return new Promise<void>((resolve) => waiting.push(resolve));
      },
    } as unknown as LocalStore,
  };
  return handle;
}

test('no checkpoint falls due while the last one is still being written to the local store', async () => {
  let now = 0;
  const slow = slowLocalStore();
  const log = { partitionBounds: async () => [{ partition: 0, start: 0, end: 0 }] } as unknown as Log;
  const checkpointer = new Checkpointer({
    store: new EntityStore({ limits: DEFAULT_LIMITS, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY }),
    local: slow.local,
    log,
    inputTopic: 'tx',
    changelogTopic: 'tx-changelog',
    partitions: 1,
    policy: { intervalMs: 100, records: 1_000_000, maxDirty: 1_000_000 },
    startCut: { input: [0], labels: [] },
    changelogEnds: undefined,
    logger: silentLogger(),
    now: () => now,
  });
  checkpointer.applied(10);
  now = 150;
  assert.equal(checkpointer.due(), true);
  checkpointer.take({ input: [10], labels: [] }, 0, false).save();
  checkpointer.applied(10);
  now = 400;
  // Its entities are dirty until it is written: a checkpoint now would encode them again.
  assert.equal(checkpointer.due(), false, 'the interval passed, but the last checkpoint is still being written');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(slow.writes, 1);
  slow.finish();
  await checkpointer.settled();
  assert.equal(checkpointer.due(), true, 'written: the next one is due');
  assert.deepEqual(checkpointer.lastCut.input, [10]);
});
