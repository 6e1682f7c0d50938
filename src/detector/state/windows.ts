import { B_COUNT, B_INDEX, B_MAX, B_MIN, B_SUM, BUCKET_FIELDS, DAY_BASE, DAY_SLOTS, F_AMOUNT, F_FLAGS, F_PARTY, F_TIME, HOUR_SLOTS, type Entity } from './entity.ts';
import { SetTag } from './kinds.ts';
import { DAY_MS, HOUR_MS } from './limits.ts';
import { countUsedSince } from './sets.ts';

/** The window lengths features are computed over, by the suffix rules use (`count_1h`). */
export const WINDOWS = {
  '1m': 60_000,
  '10m': 600_000,
  '1h': HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
} as const;
export type WindowName = keyof typeof WINDOWS;

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
  /** Distinct counterparties (payees of an account, accounts of a device, merchants of a card…). */
  DISTINCT: 5,
  /** Events of at most aggregateInto's selection threshold (small amounts); counted in the recent ring. */
  SELECTED: 6,
  /** Distinct counterparties among the selected events. */
  SELECTED_DISTINCT: 7,
} as const;
export const STATS = 8;

/**
 * Scratch space for distinct counts, reused by every call: an open-addressing hash set
 * of counterparty hashes, emptied by bumping a generation rather than clearing it. A
 * linear scan of the values seen so far made a distinct count quadratic in the ring's
 * length: 1,100 comparisons for a ring of 48 events, most of an aggregate's time.
 * At most MAX_DISTINCT values are counted (a ring holds no more events).
 */
const MAX_DISTINCT = 1024;
const SLOT_BITS = 11;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
export class DistinctCounter {
  readonly #keys = new Float64Array(1 << SLOT_BITS);
  /** The generation that wrote each slot: a slot of an older one is empty. */
  readonly #written = new Int32Array(1 << SLOT_BITS);
  #generation = 1;
  count = 0;

  reset(): void {
    this.count = 0;
    this.#generation++;
    if (this.#generation === 0x7fffffff) {
      this.#written.fill(0);
      this.#generation = 1;
    }
  }

  add(value: number): void {
    if (this.count >= MAX_DISTINCT) return;
    const written = this.#written;
    const keys = this.#keys;
    const generation = this.#generation;
    // Values are 32-bit hashes already; the multiply spreads their low bits over the slots.
    let slot = Math.imul(value | 0, 0x9e3779b1) >>> (32 - SLOT_BITS);
    while (written[slot] === generation) {
      // NaN equals nothing, so each counts (as the scan it replaces counted it).
      if (keys[slot] === value) return;
      slot = (slot + 1) & SLOT_MASK;
    }
    written[slot] = generation;
    keys[slot] = value;
    this.count++;
  }
}

const parties = new DistinctCounter();
const selectedParties = new DistinctCounter();

/**
 * The running figures of aggregateInto's walk, handed to `write`: in a typed array, since
 * doubles passed as arguments to a call V8 does not inline are boxed, one allocation each.
 */
const RUN = { COUNT: 0, SUM: 1, MIN: 2, MAX: 3, SELECTED: 4 } as const;
const running = new Float64Array(5);

/**
 * Aggregates an entity over nested windows (ascending lengths) in one pass over its ring,
 * newest event first, into `out`: each window is a prefix of the one after it, so one
 * walk serves all. A window longer than the ring reaches adds the buckets the ring's
 * older events were folded into (hourly up to a day, daily beyond: a bucket counts when
 * its middle falls in the window), and counts distinct counterparties from the entity's
 * set of them by last use (exact up to the set's capacity). Events of at most
 * `selectAtMost` are counted as SELECTED (NaN: none). `withDistinct` false skips the
 * distinct counts (DISTINCT then reads 0) for a caller that reads counts and sums alone.
 *
 * It allocates nothing: a threshold rather than a predicate (a closure per call, and its
 * number arguments boxed at each event), the running figures in a typed array.
 */
export function aggregateInto(
  out: Float64Array,
  entity: Entity,
  now: number,
  windowsMs: readonly number[],
  selectAtMost = Number.NaN,
  withDistinct = true,
): Float64Array {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let selected = 0;
  parties.reset();
  selectedParties.reset();
  let w = 0;
  const windows = windowsMs.length;
  for (let i = 0; i < entity.size && w < windows; i++) {
    const age = now - entity.event(i, F_TIME);
    if (age > (windowsMs[w] as number)) {
      running[RUN.COUNT] = count;
      running[RUN.SUM] = sum;
      running[RUN.MIN] = min;
      running[RUN.MAX] = max;
      running[RUN.SELECTED] = selected;
      while (w < windows && age > (windowsMs[w] as number)) {
        write(out, w, entity, now, windowsMs, withDistinct);
        w++;
      }
      if (w >= windows) break;
    }
    const amount = entity.event(i, F_AMOUNT);
    const party = entity.event(i, F_PARTY);
    count++;
    sum += amount;
    if (amount < min) min = amount;
    if (amount > max) max = amount;
    if (withDistinct) parties.add(party);
    if (amount <= selectAtMost) {
      selected++;
      selectedParties.add(party);
    }
  }
  running[RUN.COUNT] = count;
  running[RUN.SUM] = sum;
  running[RUN.MIN] = min;
  running[RUN.MAX] = max;
  running[RUN.SELECTED] = selected;
  for (; w < windows; w++) write(out, w, entity, now, windowsMs, withDistinct);
  return out;
}

/** Window `window` of `out`: the ring's running figures, plus the buckets when the ring does not reach back that far. */
function write(out: Float64Array, window: number, entity: Entity, now: number, windowsMs: readonly number[], withDistinct: boolean): void {
  const windowMs = windowsMs[window] as number;
  let count = running[RUN.COUNT] as number;
  let sum = running[RUN.SUM] as number;
  let min = running[RUN.MIN] as number;
  let max = running[RUN.MAX] as number;
  let distinct = parties.count;
  if (!entity.ringCovers(now, windowMs)) {
    const b = entity.b;
    if (b) {
      const hourly = windowMs <= DAY_MS;
      const size = hourly ? HOUR_MS : DAY_MS;
      const slots = hourly ? HOUR_SLOTS : DAY_SLOTS;
      const base = hourly ? 0 : DAY_BASE;
      const from = now - windowMs;
      for (let slot = 0; slot < slots; slot++) {
        const at = base + slot * BUCKET_FIELDS;
        const index = b[at + B_INDEX] as number;
        if (index < 0 || (index + 0.5) * size < from || index * size > now) continue;
        count += b[at + B_COUNT] as number;
        sum += b[at + B_SUM] as number;
        if ((b[at + B_MIN] as number) < min) min = b[at + B_MIN] as number;
        if ((b[at + B_MAX] as number) > max) max = b[at + B_MAX] as number;
      }
    }
    if (withDistinct) distinct = Math.max(distinct, countUsedSince(entity.s, SetTag.PARTY, now - windowMs));
  }
  const at = window * STATS;
  out[at + STAT.COUNT] = count;
  out[at + STAT.SUM] = round2(sum);
  out[at + STAT.MIN] = count === 0 ? 0 : min;
  out[at + STAT.MAX] = max;
  out[at + STAT.AVG] = count === 0 ? 0 : round2(sum / count);
  out[at + STAT.DISTINCT] = distinct;
  out[at + STAT.SELECTED] = running[RUN.SELECTED] as number;
  out[at + STAT.SELECTED_DISTINCT] = selectedParties.count;
}

/** The ring's events within the window whose flags include every bit of `mask`. */
export function countFlagged(entity: Entity, now: number, windowMs: number, mask: number): number {
  let count = 0;
  for (let i = 0; i < entity.size; i++) {
    if (now - entity.event(i, F_TIME) > windowMs) break;
    if ((entity.event(i, F_FLAGS) & mask) === mask) count++;
  }
  return count;
}

/** The ring's events within the window of an amount in [from, to). */
export function countAmountsIn(entity: Entity, now: number, windowMs: number, from: number, to: number): number {
  let count = 0;
  for (let i = 0; i < entity.size; i++) {
    if (now - entity.event(i, F_TIME) > windowMs) break;
    const amount = entity.event(i, F_AMOUNT);
    if (amount >= from && amount < to) count++;
  }
  return count;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
