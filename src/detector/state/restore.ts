import type { Log } from '../../log/types.ts';
import type { Logger } from '../../observability/logger.ts';
import { CUT_KEY, readChangelog, type CutMarker } from './changelog.ts';
import type { LocalStore } from './local-store.ts';

/** Where the state stands once opened: the merge starts at `start`; until every cut is passed, the store's catch-up filter applies. */
export interface RestoredState {
  start: number[];
  /** Per home partition, when restored from the changelog (each partition at its own marker). */
  homeCuts: Array<number[]> | undefined;
  /** The local store holds exactly what the changelog holds (a new writer need not write everything again). */
  inSyncWithChangelog: boolean;
  from: 'local store' | 'changelog' | 'nothing';
  entities: number;
}

export interface RestoreOptions {
  log: Log;
  local: LocalStore;
  changelogTopic: string;
  /** First offset of each input partition: where a state of nothing starts. */
  inputStarts: number[];
  logger: Logger;
}

/**
 * Opens the state: the local store's last checkpoint when there is one (the usual restart:
 * nothing is read but what decisions need, lazily), else the changelog (a new machine), else
 * nothing (a new group). After a checkpoint it wrote itself as the changelog's writer, the
 * changelog's newer records (a flush committed just before a crash, or by a writer since)
 * are applied too, so the local store is the changelog's state again.
 */
export async function restoreState(options: RestoreOptions): Promise<RestoredState> {
  const { local, log, changelogTopic, inputStarts } = options;
  const meta = local.meta();
  if (meta) {
    if (!meta.writer || !meta.changelog) {
      return { start: clampTo(meta.cut, inputStarts), homeCuts: undefined, inSyncWithChangelog: false, from: 'local store', entities: 0 };
    }
    const tail = await readTail(log, changelogTopic, meta.changelog, local);
    if (tail.entities === 0) {
      return { start: clampTo(meta.cut, inputStarts), homeCuts: undefined, inSyncWithChangelog: true, from: 'local store', entities: 0 };
    }
    const homeCuts = inputStarts.map((_, partition) => tail.cuts[partition] ?? meta.cut);
    return { start: clampTo(minimum(homeCuts), inputStarts), homeCuts, inSyncWithChangelog: true, from: 'local store', entities: tail.entities };
  }
  let entities = 0;
  const restored = await readChangelog(log, changelogTopic, (key, value) => {
    local.restore(key, value);
    entities++;
  });
  await local.flushed();
  const written = restored.cuts.filter((cut): cut is number[] => cut !== undefined);
  if (written.length === 0) return { start: [...inputStarts], homeCuts: undefined, inSyncWithChangelog: entities === 0, from: 'nothing', entities: 0 };
  // A partition with no marker yet holds no entity either: its home cut is the input's start.
  const homeCuts = inputStarts.map((_, partition) => restored.cuts[partition] ?? inputStarts);
  return { start: clampTo(minimum(homeCuts), inputStarts), homeCuts, inSyncWithChangelog: true, from: 'changelog', entities };
}

async function readTail(log: Log, topic: string, from: readonly number[], local: LocalStore): Promise<{ cuts: Array<number[] | undefined>; entities: number }> {
  const bounds = await log.partitionBounds(topic);
  const cuts: Array<number[] | undefined> = [];
  let entities = 0;
  for (const { partition, end } of bounds) {
    let offset = from[partition] ?? 0;
    while (offset < end) {
      const records = await log.read({ topic, partition, from: offset, maxRecords: 5000 });
      if (records.length === 0) break;
      for (const record of records) {
        if (record.offset >= end) break;
        const key = record.key?.toString('utf8') ?? '';
        if (key === CUT_KEY) {
          if (record.value) cuts[partition] = (JSON.parse(record.value.toString('utf8')) as CutMarker).cut;
        } else {
          local.restore(key, record.value);
          entities++;
        }
      }
      offset = (records[records.length - 1]?.offset ?? offset) + 1;
    }
  }
  await local.flushed();
  return { cuts, entities };
}

function minimum(cuts: ReadonlyArray<readonly number[]>): number[] {
  const result: number[] = [];
  for (const cut of cuts) cut.forEach((offset, partition) => (result[partition] = Math.min(result[partition] ?? offset, offset)));
  return result;
}

/** Positions before a partition's first record (retention trimmed them) start at its first record. */
function clampTo(cut: readonly number[], starts: readonly number[]): number[] {
  return starts.map((start, partition) => Math.max(start, cut[partition] ?? start));
}
