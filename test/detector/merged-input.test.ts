import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MergedInput, type InputItem } from '../../src/detector/input/merged-input.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';

const at = (iso: string): string => new Date(`2018-04-${iso}Z`).toISOString();
const tx = (id: string, day: string, amount = 10): string => JSON.stringify({ id, timestamp: at(day), source: `acct-${id}`, target: 'T1', amount, currency: 'EUR' });

/** What the merge hands out, in its order: transaction ids, `label:<id>`, or `invalid@<partition>:<offset>`. */
function describe(item: InputItem): string {
  if (item.label) return item.label.ok ? `label:${item.label.label.id}` : `invalid-label@${item.record.offset}`;
  return item.parsed.ok ? String(item.parsed.transaction.id) : `invalid@${item.record.partition}:${item.record.offset}`;
}

test('an invalid record (history replayed years later) does not hold its partition back behind the others and the labels', async (t) => {
  const log = openEmbeddedLog({ dataDir: tempDir(t) });
  t.after(() => log.close());
  const topic = randomTopic('tx');
  const labelsTopic = randomTopic('labels');
  await log.ensureTopics([{ name: topic, partitions: 2 }, { name: labelsTopic, partitions: 1 }]);
  const producer = await log.createProducer();
  // Written now (2026): the records' own times are 2018. Partition 0 holds an invalid
  // payment (amount 0, as the Handbook has) before the one a label names.
  await producer.send([
    { topic, partition: 0, value: tx('a', '01T10:00:00') },
    { topic, partition: 0, value: tx('zero', '02T10:00:00', 0) },
    { topic, partition: 0, value: tx('b', '03T10:00:00') },
    { topic, partition: 1, value: tx('c', '01T12:00:00') },
    { topic, partition: 1, value: tx('d', '04T10:00:00') },
    { topic, partition: 1, value: tx('e', '12T10:00:00') },
    { topic: labelsTopic, partition: 0, value: 'not a label' },
    { topic: labelsTopic, partition: 0, value: JSON.stringify({ id: 'b', fraud: true, knownAt: at('10T10:00:00'), source: 'chargeback' }) },
  ]);
  await producer.close();

  const input = await MergedInput.open({ log, topic, labelsTopic, groupId: randomTopic('g'), exactlyOnce: true, maxRecordBytes: 65_536 });
  t.after(() => input.close());
  input.start([0, 0], [0]);
  const order: string[] = [];
  for (let turn = 0; turn < 50 && order.length < 8; turn++) order.push(...(await input.next(100, 200)).map(describe));
  assert.deepEqual(order, ['invalid-label@0', 'a', 'invalid@0:1', 'c', 'b', 'd', 'label:b', 'e'], 'by event time; the invalid records where their partitions stand');
});
