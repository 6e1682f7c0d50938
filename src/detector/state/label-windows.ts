import { L_FRAUD, L_FRAUDS, L_HEADER, L_KNOWN_AT, L_LAST_FRAUD_AT, L_PARTY, L_STRIDE, L_TX_TIME, type Entity } from './entity.ts';
import { DAY_MS } from './limits.ts';
import { aggregateInto, DistinctCounter, STAT, STATS } from './windows.ts';

/** Slots of labelStatsInto's output. */
export const LS = {
  /** Frauds confirmed (label known) in the last day, 7 days, 30 days. */
  KNOWN_1D: 0,
  KNOWN_7D: 1,
  KNOWN_30D: 2,
  /** Frauds among the entity's transactions of the last 7 and 30 days, as known now. */
  FRAUD_7D: 3,
  FRAUD_30D: 4,
  /**
   * The Handbook's risk: frauds among the transactions of the 7 (30) days that ended one
   * label delay ago, over those transactions; by then their labels are known.
   */
  RATE_7D: 5,
  RATE_30D: 6,
  EVER: 7,
  /** Seconds since the last fraud became known, -1 if none. */
  SINCE: 8,
  /** Distinct other parties (cards at a merchant, merchants of a card) among the frauds known in 7 and 30 days. */
  PARTIES_7D: 9,
  PARTIES_30D: 10,
  /** Age of the oldest fraud known in the last 30 days, -1 if none: how long a compromise has been running. */
  FIRST_30D: 11,
  RATE_1D: 12,
  /** The entity's transactions of the 7 (30) days that ended one label delay ago: those whose labels are due. */
  MATURED_7D: 13,
  MATURED_30D: 14,
} as const;
export const LABEL_STATS = 15;

const windows = new Float64Array(4 * STATS);
const parties7 = new DistinctCounter();
const parties30 = new DistinctCounter();

let matured: { delayMs: number; windows: number[] } | undefined;

/** The windows ending one label delay ago and 1, 7, 30 days before that: one array per delay setting, not per call. */
function maturedWindows(delayMs: number): number[] {
  if (matured?.delayMs !== delayMs) matured = { delayMs, windows: [delayMs, delayMs + DAY_MS, delayMs + 7 * DAY_MS, delayMs + 30 * DAY_MS] };
  return matured.windows;
}

/** The label-fed figures of an entity at `now`, from the labels it holds and its own windows. */
export function labelStatsInto(out: Float64Array, entity: Entity | undefined, now: number, delayMs: number): Float64Array {
  out.fill(0);
  out[LS.SINCE] = -1;
  out[LS.FIRST_30D] = -1;
  if (!entity) return out;
  // Transactions of [now - delay - w, now - delay]: the entity's count over delay + w less its count over delay.
  // Counts alone: the distinct counterparties, most of an aggregate's cost, are not read here.
  aggregateInto(windows, entity, now, maturedWindows(delayMs), Number.NaN, false);
  const before = windows[STAT.COUNT] as number;
  const in1 = (windows[STATS + STAT.COUNT] as number) - before;
  const in7 = (windows[2 * STATS + STAT.COUNT] as number) - before;
  const in30 = (windows[3 * STATS + STAT.COUNT] as number) - before;
  out[LS.MATURED_7D] = in7;
  out[LS.MATURED_30D] = in30;
  const l = entity.l;
  if (!l) return out;
  const delayedFrom1 = now - delayMs - DAY_MS;
  const delayedFrom7 = now - delayMs - 7 * DAY_MS;
  const delayedFrom30 = now - delayMs - 30 * DAY_MS;
  const delayedTo = now - delayMs;
  let known1 = 0;
  let known7 = 0;
  let known30 = 0;
  let fraud7 = 0;
  let fraud30 = 0;
  let delayed1 = 0;
  let delayed7 = 0;
  let delayed30 = 0;
  parties7.reset();
  parties30.reset();
  let oldest30 = Number.POSITIVE_INFINITY;
  for (let i = L_HEADER; i < l.length; i += L_STRIDE) {
    if (l[i + L_FRAUD] !== 1) continue;
    const known = now - (l[i + L_KNOWN_AT] as number);
    const txTime = l[i + L_TX_TIME] as number;
    const age = now - txTime;
    if (known <= DAY_MS) known1++;
    const party = l[i + L_PARTY] as number;
    if (known <= 7 * DAY_MS) {
      known7++;
      parties7.add(party);
    }
    if (known <= 30 * DAY_MS) {
      known30++;
      parties30.add(party);
      if ((l[i + L_KNOWN_AT] as number) < oldest30) oldest30 = l[i + L_KNOWN_AT] as number;
    }
    if (age <= 7 * DAY_MS) fraud7++;
    if (age <= 30 * DAY_MS) fraud30++;
    if (txTime <= delayedTo && txTime >= delayedFrom1) delayed1++;
    if (txTime <= delayedTo && txTime >= delayedFrom7) delayed7++;
    if (txTime <= delayedTo && txTime >= delayedFrom30) delayed30++;
  }
  out[LS.KNOWN_1D] = known1;
  out[LS.KNOWN_7D] = known7;
  out[LS.KNOWN_30D] = known30;
  out[LS.FRAUD_7D] = fraud7;
  out[LS.FRAUD_30D] = fraud30;
  out[LS.PARTIES_7D] = parties7.count;
  out[LS.PARTIES_30D] = parties30.count;
  out[LS.FIRST_30D] = Number.isFinite(oldest30) ? Math.round((now - oldest30) / 1000) : -1;
  out[LS.RATE_1D] = in1 > 0 ? Math.round((delayed1 / in1) * 10_000) / 10_000 : 0;
  out[LS.RATE_7D] = in7 > 0 ? Math.round((delayed7 / in7) * 10_000) / 10_000 : 0;
  out[LS.RATE_30D] = in30 > 0 ? Math.round((delayed30 / in30) * 10_000) / 10_000 : 0;
  out[LS.EVER] = l[L_FRAUDS] as number;
  const last = l[L_LAST_FRAUD_AT] as number;
  out[LS.SINCE] = Number.isNaN(last) ? -1 : Math.round((now - last) / 1000);
  return out;
}
