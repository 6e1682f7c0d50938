/**
 * What rules see as `f`: numbers and booleans computed per transaction from the state of
 * each entity it involves (the paying account, its card, the merchant or payee, the
 * device, the ip), named `<stat>_<window>` (count_1m, sum_1h, distinct_7d …), on event
 * time. Every entity's state is the whole stream's, whatever the partition its
 * transactions arrive in. Every field is always present (0 or false when unknown), so a
 * rule never fails on a transaction that lacks a context field.
 */
export const WINDOW_STATS = ['count', 'sum', 'min', 'max', 'avg', 'distinct'] as const;
type WindowStat = (typeof WINDOW_STATS)[number];
type Windows<Suffix extends string> = { readonly [K in `${WindowStat}_${Suffix}`]: number };

export const SOURCE_WINDOWS = ['1m', '10m', '1h', '24h', '7d', '30d'] as const;
export const CARD_WINDOWS = ['10m', '1h', '24h', '7d', '30d'] as const;
export const SHARED_WINDOWS = ['1h', '24h', '7d', '30d'] as const;

type SharedWindows = Windows<(typeof SHARED_WINDOWS)[number]>;

/**
 * What labels say of an entity, as known at the transaction's time (a label applies from
 * its knownAt): frauds confirmed in the last 1, 7 and 30 days (`fraud_known_*`), frauds
 * among its transactions of the last 7 and 30 days (`fraud_7d`, `fraud_30d`), the share of
 * frauds among its transactions of the 7 and 30 days that ended one label delay ago
 * (`features.labelDelayDays`, 7), when their labels are in (`fraud_rate_*`, over the
 * `matured_*` transactions of those days), frauds ever and seconds since the last became
 * known (-1 if none), the distinct other parties of the frauds known in 7 and 30 days
 * (cards at a merchant: many means compromised; merchants of a card), and how long ago
 * the oldest fraud of the last 30 days became known (-1 if none).
 */
export interface LabelFeatures {
  readonly fraud_known_1d: number;
  readonly fraud_known_7d: number;
  readonly fraud_known_30d: number;
  readonly fraud_7d: number;
  readonly fraud_30d: number;
  readonly fraud_rate_7d: number;
  readonly fraud_rate_30d: number;
  readonly frauds: number;
  readonly since_fraud_s: number;
  readonly fraud_parties_7d: number;
  readonly fraud_parties_30d: number;
  readonly first_fraud_30d_s: number;
  readonly fraud_rate_1d: number;
  readonly matured_7d: number;
  readonly matured_30d: number;
}

/**
 * An account's features: its windows (the current payment included; `distinct` counts
 * payees and merchants), its history before this payment (history, age_s, amount_mean,
 * amount_ratio against the mean, amount_ratio_geo against the geometric mean, which one
 * big purchase does not inflate, amount_ratio_30d against the mean of its payments of
 * the 30 days before, amount_z: the standard score of the log amount against its own, 0
 * with fewer than 3 payments, since_last_s since its previous payment, -1 if none), what
 * is new to it (false without history), small payments in 10 minutes and to how many
 * payees, transfers to never-paid payees in an hour, payments just below the reporting
 * threshold in 24 h, seconds since a never-seen device or country appeared (-1 if never),
 * and transfers it received: money in, then straight out to new payees, is how a mule behaves.
 */
export type SourceFeatures = Windows<(typeof SOURCE_WINDOWS)[number]> & LabelFeatures & {
  readonly history: number;
  readonly age_s: number;
  readonly amount_mean: number;
  readonly amount_ratio: number;
  readonly amount_ratio_geo: number;
  readonly amount_ratio_30d: number;
  readonly amount_z: number;
  readonly since_last_s: number;
  readonly new_payee: boolean;
  readonly new_merchant: boolean;
  readonly new_device: boolean;
  readonly new_country: boolean;
  readonly new_ip: boolean;
  readonly new_category: boolean;
  readonly small_count_10m: number;
  readonly small_distinct_10m: number;
  /** Earlier payments of the last 1, 7, 30 days that were big for the account (3x its mean then, or more). */
  readonly big_prior_1d: number;
  readonly big_prior_7d: number;
  readonly big_prior_30d: number;
  readonly new_payee_transfers_1h: number;
  readonly near_threshold_24h: number;
  readonly since_new_device_s: number;
  readonly since_new_country_s: number;
  readonly inbound_count_1h: number;
  readonly inbound_count_24h: number;
  readonly inbound_sum_24h: number;
  readonly inbound_count_7d: number;
  readonly inbound_distinct_24h: number;
};

/** A device or an ip: its windows (`distinct` counts the accounts using it), history before this payment and age. */
export type SharedKeyFeatures = SharedWindows & LabelFeatures & { readonly history: number; readonly age_s: number };

/**
 * Transfers received by the payee (zeros for card payments: a merchant's fan-in is
 * normal; `distinct` counts payers), and the payments the payee made itself.
 */
export type PayeeFeatures = SharedKeyFeatures & { readonly payments: number };

/** Card payments received by the merchant (zeros for transfers); `distinct` counts paying accounts. */
export type MerchantFeatures = SharedKeyFeatures;

/**
 * A card's payments, whichever account made them (`distinct` counts merchants), its
 * small ones (card testing probes) in 10 minutes and at how many merchants.
 */
export type CardFeatures = Windows<(typeof CARD_WINDOWS)[number]> & LabelFeatures & {
  readonly history: number;
  readonly age_s: number;
  /** Seconds since the card's previous payment, -1 for its first. */
  readonly since_last_s: number;
  readonly small_count_10m: number;
  readonly small_distinct_10m: number;
};

export interface GeoFeatures {
  readonly has_previous: boolean;
  readonly distance_km: number;
  readonly elapsed_s: number;
  readonly speed_kmh: number;
}

/** What the transaction's `channel` means, by the ruleset's vocabulary (`features.channels`). */
export interface ChannelFeatures {
  readonly in_person: boolean;
  readonly online: boolean;
  readonly transfer: boolean;
  /** False for a value the vocabulary does not know (true when there is no channel). */
  readonly known: boolean;
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
  /** Saturday or Sunday, local time. */
  readonly weekend: boolean;
}

export interface Features {
  readonly source: SourceFeatures;
  readonly target: PayeeFeatures;
  readonly merchant: MerchantFeatures;
  readonly card: CardFeatures;
  readonly device: SharedKeyFeatures;
  readonly ip: SharedKeyFeatures;
  readonly geo: GeoFeatures;
  readonly channel: ChannelFeatures;
  readonly lists: ListFeatures;
  readonly time: TimeFeatures;
}
