import { F_AMOUNT, F_EXTRA, F_FLAGS, F_PARTY, F_TIME, type EventRing } from './ring.ts';

/** The window lengths features are computed over, by the suffix rules use (`count_1h`). */
export const WINDOWS = { '1m': 60_000, '10m': 600_000, '1h': 3_600_000, '24h': 86_400_000 } as const;
export type WindowName = keyof typeof WINDOWS;
export const LONGEST_WINDOW_MS = WINDOWS['24h'];

export interface WindowStats {
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
  /** Distinct counterparties (payees of an account, payers of a payee, accounts of a device). */
  distinct: number;
  /** Events the caller's predicate selected (e.g. small amounts). */
  selected: number;
  /** Distinct counterparties among the selected events. */
  selectedDistinct: number;
}

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
 * first: each window is a prefix of the one after it, so one walk and one set serve all.
 * The walk stops at the first event older than the longest window; the ring is in
 * arrival order, which for one key is event order up to small skews.
 */
export function aggregateWindows(
  ring: EventRing,
  now: number,
  windowsMs: readonly number[],
  select?: EventPredicate,
  /** Only events whose extra field (an account's card) is this. */
  onlyExtra?: number,
): WindowStats[] {
  const results: WindowStats[] = [];
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
    while (w < windowsMs.length && age > (windowsMs[w] as number)) results[w++] = stats(count, sum, min, max, selected);
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
  while (w < windowsMs.length) results[w++] = stats(count, sum, min, max, selected);
  return results;
}

function stats(count: number, sum: number, min: number, max: number, selected: number): WindowStats {
  return {
    count,
    sum: round2(sum),
    min: count === 0 ? 0 : min,
    max,
    avg: count === 0 ? 0 : round2(sum / count),
    distinct: parties.count,
    selected,
    selectedDistinct: selectedParties.count,
  };
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
