/**
 * What rules see as `f`: numbers and booleans computed per transaction from the
 * per-key state, named `<stat>_<window>` (count_1m, sum_1h, distinct_24h …). Every
 * field is always present (0 or false when unknown), so a rule never fails on a
 * transaction that lacks a context field.
 */
export const WINDOW_STATS = ['count', 'sum', 'min', 'max', 'avg', 'distinct'] as const;
type WindowStat = (typeof WINDOW_STATS)[number];
type Windows<Suffix extends string> = { readonly [K in `${WindowStat}_${Suffix}`]: number };

/**
 * An account's features: its windows (the current payment included; `distinct` counts
 * payees), its history before this payment (history, age_s, amount_mean, amount_ratio
 * against the mean, amount_ratio_geo against the geometric mean, which one big purchase
 * does not inflate, amount_z: the standard score of the log amount against its own, 0
 * with fewer than 3 payments), what is new to it (false without history), small payments
 * in 10 minutes and to how many payees, transfers to never-paid payees in an hour,
 * payments just below the reporting threshold in 24 h, seconds since a never-seen device
 * or country appeared (-1 if never), and transfers it received, as seen in its partition:
 * money in, then straight out to new payees, is how a mule behaves.
 */
export type SourceFeatures = Windows<'1m' | '10m' | '1h' | '24h'> & {
  readonly history: number;
  readonly age_s: number;
  readonly amount_mean: number;
  readonly amount_ratio: number;
  readonly amount_ratio_geo: number;
  readonly amount_z: number;
  readonly new_payee: boolean;
  readonly new_device: boolean;
  readonly new_country: boolean;
  readonly new_ip: boolean;
  readonly new_category: boolean;
  readonly small_count_10m: number;
  readonly small_distinct_10m: number;
  readonly new_payee_transfers_1h: number;
  readonly near_threshold_24h: number;
  readonly since_new_device_s: number;
  readonly since_new_country_s: number;
  readonly inbound_count_1h: number;
  readonly inbound_count_24h: number;
  readonly inbound_sum_24h: number;
};

/** A device or an ip: its windows (`distinct` counts the accounts using it), history and age. */
export type SharedKeyFeatures = Windows<'1h' | '24h'> & { readonly history: number; readonly age_s: number };

/**
 * Transfers received by a payee (zeros for card payments: a merchant's fan-in is normal)
 * and the payments it made itself (payments), as seen in the payer's partition.
 */
export type PayeeFeatures = SharedKeyFeatures & { readonly payments: number };

/**
 * A card's payments by this account, and its small ones (card testing probes) in 10
 * minutes. A card is counted with the account that pays with it: a card shared by
 * several accounts is seen per account.
 */
export type CardFeatures = Windows<'10m' | '1h'> & { readonly small_count_10m: number; readonly small_distinct_10m: number };

export interface GeoFeatures {
  readonly has_previous: boolean;
  readonly distance_km: number;
  readonly elapsed_s: number;
  readonly speed_kmh: number;
}

export interface ListFeatures {
  readonly source_blocked: boolean;
  readonly target_blocked: boolean;
  readonly card_blocked: boolean;
  readonly device_blocked: boolean;
  readonly ip_blocked: boolean;
  readonly source_allowed: boolean;
  readonly any_blocked: boolean;
}

export interface TimeFeatures {
  readonly hour_utc: number;
  /** Hour in the transaction's country when known (a fixed offset per country), else UTC. */
  readonly hour_local: number;
  readonly night: boolean;
}

export interface Features {
  readonly source: SourceFeatures;
  readonly target: PayeeFeatures;
  readonly card: CardFeatures;
  readonly device: SharedKeyFeatures;
  readonly ip: SharedKeyFeatures;
  readonly geo: GeoFeatures;
  readonly lists: ListFeatures;
  readonly time: TimeFeatures;
}
