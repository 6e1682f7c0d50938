import { F_AMOUNT, F_EXTRA, F_FLAGS, F_PARTY, F_TIME, type EventRing } from './ring.ts';

/** The window lengths features are computed over, by the suffix rules use (`count_1h`). */
export const WINDOWS = { '1m': 60_000, '10m': 600_000, '1h': 3_600_000, '24h': 86_400_000 } as const;
export type WindowName = keyof typeof WINDOWS;
export const LONGEST_WINDOW_MS = WINDOWS['24h'];

/**
 * What aggregateInto writes per window, at `window * STATS + stat` of its output: plain
 * numbers in a reused typed array, so computing windows allocates nothing.
 */
export const STAT = {
  COUNT: 0,
  SUM: 1,
  MIN: 2,
  MAX: 3,
  AVG: 4,
  /** Distinct counterparties (payees of an account, payers of a payee, accounts of a device). */
  DISTINCT: 5,
  /** Events the caller's predicate selected (e.g. small amounts). */
  SELECTED: 6,
  /** Distinct counterparties among the selected events. */
  SELECTED_DISTINCT: 7,
} as const;
export const STATS = 8;

/** Selects events for the `selected` counts, from their amount and flags. */
export type EventPredicate = (amount: number, flags: number) => boolean;

/**
 * Scratch space for distinct counts, reused by every call: a key holds at most a few
 * dozen events, and a linear scan of that many numbers beats a Set. Counted by hand:
 * emptying an array with `length = 0` drops its storage, and refilling it would allocate
 * anew on every call.
 */
class DistinctCounter {
  readonly #seen = new Float64Array(256);
  count = 0;

  reset(): void {
    this.count = 0;
  }

  add(value: number): void {
    for (let i = 0; i < this.count; i++) if (this.#seen[i] === value) return;
    if (this.count < this.#seen.length) this.#seen[this.count++] = value;
  }
}

const parties = new DistinctCounter();
const selectedParties = new DistinctCounter();

/**
 * Aggregates a ring over nested windows (ascending lengths) in one pass, newest event
 * first, into `out`: each window is a prefix of the one after it, so one walk serves all.
 * The walk stops at the first event older than the longest window; the ring is in
 * arrival order, which for one key is event order up to small skews.
 */
export function aggregateInto(
  out: Float64Array,
  ring: EventRing,
  now: number,
  windowsMs: readonly number[],
  select?: EventPredicate,
  /** Only events whose extra field (an account's card) is this. */
  onlyExtra?: number,
): Float64Array {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let selected = 0;
  parties.reset();
  selectedParties.reset();
  let w = 0;
  for (let i = 0; i < ring.size && w < windowsMs.length; i++) {
    const age = now - ring.get(i, F_TIME);
    while (w < windowsMs.length && age > (windowsMs[w] as number)) write(out, w++, count, sum, min, max, selected);
    if (w >= windowsMs.length) break;
    if (onlyExtra !== undefined && ring.get(i, F_EXTRA) !== onlyExtra) continue;
    const amount = ring.get(i, F_AMOUNT);
    const party = ring.get(i, F_PARTY);
    count++;
    sum += amount;
    if (amount < min) min = amount;
    if (amount > max) max = amount;
    parties.add(party);
    if (select?.(amount, ring.get(i, F_FLAGS))) {
      selected++;
      selectedParties.add(party);
    }
  }
  while (w < windowsMs.length) write(out, w++, count, sum, min, max, selected);
  return out;
}

function write(out: Float64Array, window: number, count: number, sum: number, min: number, max: number, selected: number): void {
  const at = window * STATS;
  out[at + STAT.COUNT] = count;
  out[at + STAT.SUM] = round2(sum);
  out[at + STAT.MIN] = count === 0 ? 0 : min;
  out[at + STAT.MAX] = max;
  out[at + STAT.AVG] = count === 0 ? 0 : round2(sum / count);
  out[at + STAT.DISTINCT] = parties.count;
  out[at + STAT.SELECTED] = selected;
  out[at + STAT.SELECTED_DISTINCT] = selectedParties.count;
}

/** Counts the events of the ring within the window that the predicate selects. */
export function countWhere(ring: EventRing, now: number, windowMs: number, select: EventPredicate): number {
  let count = 0;
  for (let i = 0; i < ring.size; i++) {
    if (now - ring.get(i, F_TIME) > windowMs) break;
    if (select(ring.get(i, F_AMOUNT), ring.get(i, F_FLAGS))) count++;
  }
  return count;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
