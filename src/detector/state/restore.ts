import type { Log } from '../../log/types.ts';
import type { Logger } from '../../observability/logger.ts';
import { CUT_KEY, readChangelog, type CutMarker } from './changelog.ts';
import type { LocalStore } from './local-store.ts';

/** A position of the state: next offset per input partition and per labels partition. */
export interface StateCut {
  input: number[];
  labels: number[];
}

/** Where the state stands once opened: the merge starts at `start`; until every cut is passed, the store's catch-up filter applies. */
export interface RestoredState {
  start: StateCut;
  /** Per home partition, when its entities stand at their own positions (restored from the changelog). */
  homeCuts: { input: number[][]; labels: number[][] } | undefined;
  /**
   * The changelog's end offsets at which it held exactly the local store's state (read up
   * to them), or undefined: a detector that becomes the writer with the changelog still
   * there need not write everything again.
   */
  changelogEnds: number[] | undefined;
  from: 'local store' | 'changelog' | 'nothing';
  entities: number;
}

export interface RestoreOptions {
  log: Log;
  local: LocalStore;
  changelogTopic: string;
  /** First offset of each input partition: where a state of nothing starts. */
  inputStarts: number[];
  labelStarts: number[];
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
  const { local, log, changelogTopic, inputStarts, labelStarts } = options;
  const meta = local.meta();
  if (meta) {
    const own: StateCut = { input: meta.cut, labels: meta.labelsCut ?? labelStarts };
    const fromLocal = (ends: number[] | undefined): RestoredState => ({ start: clamp(own, options), homeCuts: undefined, changelogEnds: ends, from: 'local store', entities: 0 });
    if (!meta.writer || !meta.changelog) return fromLocal(undefined);
    const tail = await readTail(log, changelogTopic, meta.changelog, local);
    if (tail.entities === 0) return fromLocal(tail.ends);
    const homeCuts = homeCutsOf(inputStarts.map((_, partition) => tail.markers[partition]), own);
    return { start: clamp(minimum(homeCuts), options), homeCuts, changelogEnds: tail.ends, from: 'local store', entities: tail.entities };
  }
  let entities = 0;
  const restored = await readChangelog(log, changelogTopic, (key, value) => {
    local.restore(key, value);
    entities++;
  });
  await local.flushed();
  if (restored.cuts.every((marker) => marker === undefined)) {
    return { start: { input: [...inputStarts], labels: [...labelStarts] }, homeCuts: undefined, changelogEnds: entities === 0 ? restored.ends : undefined, from: 'nothing', entities: 0 };
  }
  // A partition with no marker yet holds no entity either: it stands at the start.
  const homeCuts = homeCutsOf(inputStarts.map((_, partition) => restored.cuts[partition]), { input: inputStarts, labels: labelStarts });
  return { start: clamp(minimum(homeCuts), options), homeCuts, changelogEnds: restored.ends, from: 'changelog', entities };
}

function homeCutsOf(markers: Array<CutMarker | undefined>, otherwise: StateCut): { input: number[][]; labels: number[][] } {
  return {
    input: markers.map((marker) => marker?.cut ?? otherwise.input),
    labels: markers.map((marker) => marker?.labels ?? otherwise.labels),
  };
}

async function readTail(log: Log, topic: string, from: readonly number[], local: LocalStore): Promise<{ markers: Array<CutMarker | undefined>; entities: number; ends: number[] }> {
  const bounds = await log.partitionBounds(topic);
  const markers: Array<CutMarker | undefined> = [];
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
          if (record.value) markers[partition] = JSON.parse(record.value.toString('utf8')) as CutMarker;
        } else {
          local.restore(key, record.value);
          entities++;
        }
      }
      offset = (records[records.length - 1]?.offset ?? offset) + 1;
    }
  }
  await local.flushed();
  return { markers, entities, ends: bounds.map((b) => b.end) };
}

function minimum(cuts: { input: number[][]; labels: number[][] }): StateCut {
  const min = (all: number[][]): number[] => {
    const result: number[] = [];
    for (const cut of all) cut.forEach((offset, partition) => (result[partition] = Math.min(result[partition] ?? offset, offset)));
    return result;
  };
  return { input: min(cuts.input), labels: min(cuts.labels) };
}

/** Positions before a partition's first record (retention trimmed them) start at its first record. */
function clamp(cut: StateCut, options: RestoreOptions): StateCut {
  return {
    input: options.inputStarts.map((start, partition) => Math.max(start, cut.input[partition] ?? start)),
    labels: options.labelStarts.map((start, partition) => Math.max(start, cut.labels[partition] ?? start)),
  };
}
