import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CODEC_VERSION } from '../../src/detector/state/codec.ts';
import { LocalStore, type CheckpointMeta } from '../../src/detector/state/local-store.ts';
import { tempDir } from '../helpers/temp.ts';

const options = (stateDir: string) => ({ stateDir, group: 'g', topic: 'tx', partitions: 2 });
const meta = (seq: number): CheckpointMeta => ({ format: CODEC_VERSION, topic: 'tx', partitions: 2, cut: [seq, seq], watermark: seq, writer: false, seq, savedAt: seq });

test('a checkpoint, its removals and the restored entities are what a reopened store reads', async (t) => {
  const dir = tempDir(t);
  const first = LocalStore.open(options(dir));
  for (let i = 0; i < 12_000; i++) first.restore(`a:${i}`, Buffer.from(`restored ${i}`));
  await first.flushed();
  await first.checkpoint([['a:1', Buffer.from('changed')], ['a:2', null]], meta(7), [['tx-1', Buffer.from('indexed')]]);
  assert.equal(first.get('a:1')?.toString(), 'changed', 'a committed checkpoint is read at once');
  await first.close();

  const second = LocalStore.open(options(dir));
  t.after(() => second.close());
  assert.equal(second.dir, first.dir, 'a restarted detector finds its own slot');
  assert.deepEqual(second.meta(), meta(7));
  assert.equal(second.get('a:1')?.toString(), 'changed');
  assert.equal(second.get('a:2'), undefined, 'a null value removed the entity');
  assert.equal(second.get('a:11999')?.toString(), 'restored 11999');
  assert.equal(second.getTransaction('tx-1')?.toString(), 'indexed');
  assert.equal([...second.keys()].length, 11_999);
});

test('two detectors on one machine take two slots; a store of another input is started afresh', async (t) => {
  const dir = tempDir(t);
  const first = LocalStore.open(options(dir));
  const second = LocalStore.open(options(dir));
  assert.notEqual(first.dir, second.dir);
  await first.checkpoint([['a:1', Buffer.from('x')]], meta(1));
  await first.close();
  await second.close();

  const other = LocalStore.open({ ...options(dir), partitions: 3 });
  t.after(() => other.close());
  assert.equal(other.meta(), undefined, 'the checkpoint of a 2-partition input does not continue a 3-partition one');
  assert.equal(other.get('a:1'), undefined);
});

test('close() writes what restore() queued; the LMDB store of an earlier version is removed', async (t) => {
  const dir = tempDir(t);
  const legacy = join(dir, 'g', '0', 'state.lmdb');
  mkdirSync(legacy, { recursive: true });
  writeFileSync(join(legacy, 'data.mdb'), 'old');
  const first = LocalStore.open(options(dir));
  assert.equal(existsSync(legacy), false);
  first.restore('a:1', Buffer.from('queued'));
  await first.close();
  await assert.rejects(first.checkpoint([], meta(1)), { code: 'FRAUD_STATE_IO' }, 'a closed store refuses writes');
  const second = LocalStore.open(options(dir));
  t.after(() => second.close());
  assert.equal(second.get('a:1')?.toString(), 'queued');
});
