import type { AllWindows, HourAndDay, Payee, TenMinutesAndHour } from './window-shapes.ts';

/**
 * What rules see as `f`: numbers and booleans computed per transaction from the
 * per-key state, named `<stat>_<window>` (count_1m, sum_1h, distinct_24h …). Every
 * field is always present (0 or false when unknown), so a rule never fails on a
 * transaction that lacks a context field.
 */
/**
 * An account's features: its windows (the current payment included), its history before
 * this payment (history, age_s, amount_mean, amount_ratio against the mean,
 * amount_ratio_geo against the geometric mean, which one big purchase does not inflate,
 * amount_z: the standard score of the log amount against its own, 0 with fewer than 3
 * payments), what is new to it
 * (new_payee, new_device, new_country, new_ip, new_category, false without history),
 * small payments in 10 minutes (small_count_10m, small_distinct_10m: to how many payees),
 * transfers to never-paid payees in an hour (new_payee_transfers_1h), payments just below
 * the reporting threshold in 24 h (near_threshold_24h) and seconds since a never-seen
 * device or country appeared (since_new_device_s, since_new_country_s; -1 if never), and
 * transfers it received (inbound_count_1h, inbound_count_24h, inbound_sum_24h), as seen
 * in its partition: money in, then straight out to new payees, is how a mule behaves.
 */
export type SourceFeatures = AllWindows;

/**
 * Transfers received by a payee (history, age_s and windows; zeros for card payments) and
 * the payments it made itself (payments), as seen in the payer's partition.
 */
export type PayeeFeatures = Payee;

/**
 * A card's payments by this account, and its small ones (card testing probes) in 10
 * minutes. A card is counted with the account that pays with it: a card shared by
 * several accounts is seen per account.
 */
export type CardFeatures = TenMinutesAndHour;

export interface GeoFeatures {
  has_previous: boolean;
  distance_km: number;
  elapsed_s: number;
  speed_kmh: number;
}

export interface ListFeatures {
  source_blocked: boolean;
  target_blocked: boolean;
  card_blocked: boolean;
  device_blocked: boolean;
  ip_blocked: boolean;
  source_allowed: boolean;
  any_blocked: boolean;
}

export interface TimeFeatures {
  hour_utc: number;
  /** Hour in the transaction's country when known (a fixed offset per country), else UTC. */
  hour_local: number;
  night: boolean;
}

export interface Features {
  source: SourceFeatures;
  /** Transfers received by the payee (zeros for card payments: a merchant's fan-in is normal). */
  target: PayeeFeatures;
  card: CardFeatures;
  device: HourAndDay;
  ip: HourAndDay;
  geo: GeoFeatures;
  lists: ListFeatures;
  time: TimeFeatures;
}
