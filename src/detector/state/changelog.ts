import type { Log, OutgoingRecord, TopicSpec } from '../../log/types.ts';
import type { EncodedEntity } from './store.ts';

/**
 * The state changelog: an internal compacted topic, keyed by entity (`a<account>`,
 * `c<card>`, …), one partition per input partition (an entity lives in the partition its
 * key hashes to, accounts in their transactions' own). Written by one detector of the
 * group, the owner of input partition 0, at each checkpoint, in the same transaction as
 * that batch's decisions and input offsets. Each partition also holds a marker record
 * (key `~cut`): the input position the entities written with it stand at. A detector
 * with no local store restores from it: the latest record of every entity, then the
 * input from the markers' positions.
 */
export const CUT_KEY = '~cut';

export function changelogTopic(groupId: string): string {
  return `${groupId}-state-changelog`;
}

export function changelogSpec(groupId: string, partitions: number): TopicSpec {
  return { name: changelogTopic(groupId), partitions, compacted: true };
}

export interface CutMarker {
  /** Next input offset per input partition included in the entities written with this marker. */
  cut: number[];
  /** And per labels partition. */
  labels?: number[];
  watermark: number;
  seq: number;
}

/** The records of one checkpoint: every entity given, and a marker in every partition. */
export function changelogRecords(topic: string, partitions: number, entities: Iterable<EncodedEntity>, marker: CutMarker): OutgoingRecord[] {
  const records: OutgoingRecord[] = [];
  for (const entity of entities) records.push({ topic, partition: entity.home, key: entity.key, value: entity.value });
  const value = JSON.stringify(marker);
  for (let partition = 0; partition < partitions; partition++) records.push({ topic, partition, key: CUT_KEY, value });
  return records;
}

export interface RestoredChangelog {
  /** Per changelog partition: the marker its entities stand at (absent: nothing was ever written). */
  cuts: Array<CutMarker | undefined>;
  entities: number;
  watermark: number;
  /** The end offsets it was read up to. */
  ends: number[];
}

/**
 * Reads the whole changelog into `put` (the local store), newest record per key last,
 * and returns each partition's marker. Reads up to the end offsets seen at the start:
 * what a writer adds meanwhile is newer than the markers read, and is left to the next
 * restore (the input replay covers it).
 */
export async function readChangelog(log: Log, topic: string, put: (key: string, value: Buffer | null) => void): Promise<RestoredChangelog> {
  const bounds = await log.partitionBounds(topic);
  const cuts: Array<CutMarker | undefined> = [];
  let entities = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  for (const { partition, start, end } of bounds) {
    let from = start;
    let marker: CutMarker | undefined;
    while (from < end) {
      const records = await log.read({ topic, partition, from, maxRecords: 5000 });
      if (records.length === 0) break;
      for (const record of records) {
        if (record.offset >= end) break;
        const key = record.key?.toString('utf8') ?? '';
        if (key === CUT_KEY) {
          if (record.value) marker = JSON.parse(record.value.toString('utf8')) as CutMarker;
          continue;
        }
        put(key, record.value);
        entities++;
      }
      from = (records[records.length - 1]?.offset ?? from) + 1;
    }
    cuts[partition] = marker;
    if (marker && marker.watermark > watermark) watermark = marker.watermark;
  }
  return { cuts, entities, watermark, ends: bounds.map((b) => b.end) };
}
