import type { WindowStats } from '../state/windows.ts';
import { WINDOWS } from '../state/windows.ts';

/**
 * Window features as object literals of a fixed shape, every property listed: V8 gives
 * them one hidden class. Objects built with computed keys fall back to slow
 * dictionaries, and spreading one into a larger literal (`{ ...windows, more }`) hits a
 * slow path of its own (about 40 µs here), on a path taken for every transaction.
 */
export const ALL_WINDOWS = [WINDOWS['1m'], WINDOWS['10m'], WINDOWS['1h'], WINDOWS['24h']] as const;
export const HOUR_AND_DAY = [WINDOWS['1h'], WINDOWS['24h']] as const;
export const TEN_MINUTES_AND_HOUR = [WINDOWS['10m'], WINDOWS['1h']] as const;

const EMPTY: WindowStats = { count: 0, sum: 0, min: 0, max: 0, avg: 0, distinct: 0, selected: 0, selectedDistinct: 0 };

export function allWindows(stats: WindowStats[], history: SourceHistory, extra: SourceExtra) {
  const [m1 = EMPTY, m10 = EMPTY, h1 = EMPTY, h24 = EMPTY] = stats;
  return {
    history: history.history,
    age_s: history.age_s,
    amount_mean: history.amount_mean,
    amount_ratio: history.amount_ratio,
    amount_ratio_geo: history.amount_ratio_geo,
    amount_z: history.amount_z,
    new_payee: history.new_payee,
    new_device: history.new_device,
    new_country: history.new_country,
    new_ip: history.new_ip,
    new_category: history.new_category,
    small_count_10m: m10.selected,
    small_distinct_10m: m10.selectedDistinct,
    new_payee_transfers_1h: extra.new_payee_transfers_1h,
    near_threshold_24h: extra.near_threshold_24h,
    since_new_device_s: extra.since_new_device_s,
    since_new_country_s: extra.since_new_country_s,
    inbound_count_1h: extra.inbound_count_1h,
    inbound_count_24h: extra.inbound_count_24h,
    inbound_sum_24h: extra.inbound_sum_24h,
    count_1m: m1.count, sum_1m: m1.sum, min_1m: m1.min, max_1m: m1.max, avg_1m: m1.avg, distinct_1m: m1.distinct,
    count_10m: m10.count, sum_10m: m10.sum, min_10m: m10.min, max_10m: m10.max, avg_10m: m10.avg, distinct_10m: m10.distinct,
    count_1h: h1.count, sum_1h: h1.sum, min_1h: h1.min, max_1h: h1.max, avg_1h: h1.avg, distinct_1h: h1.distinct,
    count_24h: h24.count, sum_24h: h24.sum, min_24h: h24.min, max_24h: h24.max, avg_24h: h24.avg, distinct_24h: h24.distinct,
  };
}

export function hourAndDay(stats: WindowStats[]) {
  const [h1 = EMPTY, h24 = EMPTY] = stats;
  return {
    history: 0,
    age_s: 0,
    count_1h: h1.count, sum_1h: h1.sum, min_1h: h1.min, max_1h: h1.max, avg_1h: h1.avg, distinct_1h: h1.distinct,
    count_24h: h24.count, sum_24h: h24.sum, min_24h: h24.min, max_24h: h24.max, avg_24h: h24.avg, distinct_24h: h24.distinct,
  };
}

/** A payee's windows plus how many payments it made itself: money mules receive before they ever pay. */
export function payee(stats: WindowStats[], payments: number) {
  const [h1 = EMPTY, h24 = EMPTY] = stats;
  return {
    history: 0,
    age_s: 0,
    payments,
    count_1h: h1.count, sum_1h: h1.sum, min_1h: h1.min, max_1h: h1.max, avg_1h: h1.avg, distinct_1h: h1.distinct,
    count_24h: h24.count, sum_24h: h24.sum, min_24h: h24.min, max_24h: h24.max, avg_24h: h24.avg, distinct_24h: h24.distinct,
  };
}

export function tenMinutesAndHour(stats: WindowStats[]) {
  const [m10 = EMPTY, h1 = EMPTY] = stats;
  return {
    small_count_10m: m10.selected,
    small_distinct_10m: m10.selectedDistinct,
    count_10m: m10.count, sum_10m: m10.sum, min_10m: m10.min, max_10m: m10.max, avg_10m: m10.avg, distinct_10m: m10.distinct,
    count_1h: h1.count, sum_1h: h1.sum, min_1h: h1.min, max_1h: h1.max, avg_1h: h1.avg, distinct_1h: h1.distinct,
  };
}

/** What the account's history says before this transaction is added. */
export interface SourceHistory {
  history: number;
  age_s: number;
  amount_mean: number;
  amount_ratio: number;
  amount_ratio_geo: number;
  amount_z: number;
  new_payee: boolean;
  new_device: boolean;
  new_country: boolean;
  new_ip: boolean;
  new_category: boolean;
}

export interface SourceExtra {
  new_payee_transfers_1h: number;
  near_threshold_24h: number;
  since_new_device_s: number;
  since_new_country_s: number;
  inbound_count_1h: number;
  inbound_count_24h: number;
  inbound_sum_24h: number;
}

export type AllWindows = ReturnType<typeof allWindows>;
export type HourAndDay = ReturnType<typeof hourAndDay>;
export type Payee = ReturnType<typeof payee>;
export type TenMinutesAndHour = ReturnType<typeof tenMinutesAndHour>;
