import type { Transaction } from '../../domain/transaction.ts';
import type { CompiledLists } from '../rules/ruleset.ts';
import { Flag, type AccountState, type KeyState } from '../state/key-states.ts';
import type { PartitionState } from '../state/partition-state.ts';
import { aggregateInto, countWhere, STAT, STATS, WINDOWS } from '../state/windows.ts';
import type { FeatureSettings } from './settings.ts';
import { localHour } from './timezones.ts';
import { WINDOW_STATS, type Features } from './types.ts';

const ALL_WINDOWS = [WINDOWS['1m'], WINDOWS['10m'], WINDOWS['1h'], WINDOWS['24h']];
const HOUR_AND_DAY = [WINDOWS['1h'], WINDOWS['24h']];
const TEN_MINUTES_AND_HOUR = [WINDOWS['10m'], WINDOWS['1h']];

/** Slots of FeatureContext.history: the account's history before this transaction. */
export const H = { COUNT: 0, AGE_S: 1, MEAN: 2, RATIO: 3, RATIO_GEO: 4, Z: 5 } as const;
/** Slots of FeatureContext.geo. */
export const G = { DISTANCE_KM: 0, ELAPSED_S: 1, SPEED_KMH: 2 } as const;

/** A payment recorded on a shared key (payee, device, ip), and what that key looked like before it. */
export interface Recorded {
  key: KeyState | undefined;
  before: number;
  firstSeen: number;
}

/**
 * The transaction being decided, as observe() leaves it, and the windows computed for it
 * so far. One per partition, reused: its numbers live in typed arrays, so a transaction
 * costs no allocation here, and a window group is aggregated only if a rule reads it.
 */
export class FeatureContext {
  /** Bumped per transaction: memoised windows of an older stamp are stale. */
  stamp = 0;
  state!: PartitionState;
  tx!: Transaction;
  account!: AccountState;
  eventTime = 0;
  settings!: FeatureSettings;
  lists!: CompiledLists;
  cardHash = 0;
  readonly history = new Float64Array(6);
  newPayee = false;
  newDevice = false;
  newCountry = false;
  newIp = false;
  newCategory = false;
  hasPrevious = false;
  readonly geo = new Float64Array(3);
  readonly payee: Recorded = { key: undefined, before: 0, firstSeen: 0 };
  readonly device: Recorded = { key: undefined, before: 0, firstSeen: 0 };
  readonly ip: Recorded = { key: undefined, before: 0, firstSeen: 0 };
  readonly #source = new Float64Array(4 * STATS);
  readonly #inbound = new Float64Array(2 * STATS);
  readonly #card = new Float64Array(2 * STATS);
  readonly #devices = new Float64Array(2 * STATS);
  readonly #ips = new Float64Array(2 * STATS);
  readonly #payees = new Float64Array(2 * STATS);
  readonly #at = new Float64Array(6).fill(-1);

  source(): Float64Array {
    if (this.#at[0] === this.stamp) return this.#source;
    this.#at[0] = this.stamp;
    const small = this.settings.smallAmount;
    return aggregateInto(this.#source, this.account, this.eventTime, ALL_WINDOWS, (amount) => amount <= small);
  }

  /** Transfers the account received (it is a payee too), as seen in this partition. */
  inbound(): Float64Array {
    if (this.#at[1] === this.stamp) return this.#inbound;
    this.#at[1] = this.stamp;
    const received = this.state.payees.peek(this.tx.source);
    return received ? aggregateInto(this.#inbound, received, this.eventTime, HOUR_AND_DAY) : this.#inbound.fill(0);
  }

  card(): Float64Array {
    if (this.#at[2] === this.stamp) return this.#card;
    this.#at[2] = this.stamp;
    if (typeof this.tx.card !== 'string') return this.#card.fill(0);
    const small = this.settings.smallAmount;
    return aggregateInto(this.#card, this.account, this.eventTime, TEN_MINUTES_AND_HOUR, (amount) => amount <= small, this.cardHash);
  }

  shared(which: 'device' | 'ip' | 'payee'): Float64Array {
    const slot = which === 'device' ? 3 : which === 'ip' ? 4 : 5;
    const out = which === 'device' ? this.#devices : which === 'ip' ? this.#ips : this.#payees;
    if (this.#at[slot] === this.stamp) return out;
    this.#at[slot] = this.stamp;
    const key = this[which].key;
    return key ? aggregateInto(out, key, this.eventTime, HOUR_AND_DAY) : out.fill(0);
  }

  newPayeeTransfers(): number {
    const both = Flag.TRANSFER | Flag.NEW_PARTY;
    return countWhere(this.account, this.eventTime, WINDOWS['1h'], (_, flags) => (flags & both) === both);
  }

  nearThreshold(): number {
    const { reportingThreshold, nearThresholdShare } = this.settings;
    const floor = reportingThreshold * nearThresholdShare;
    return countWhere(this.account, this.eventTime, WINDOWS['24h'], (amount) => amount >= floor && amount < reportingThreshold);
  }

  /** Seconds since a time of the account (a new device, a new country), -1 if never. */
  since(time: number): number {
    return Number.isFinite(time) ? Math.round((this.eventTime - time) / 1000) : -1;
  }
}

/** `<stat>_<suffix>` getters reading window `w` of a group's aggregate. */
function defineWindows(target: object, suffixes: readonly string[], read: () => Float64Array): void {
  suffixes.forEach((suffix, window) => {
    WINDOW_STATS.forEach((stat, index) => {
      Object.defineProperty(target, `${stat}_${suffix}`, { enumerable: true, get: () => read()[window * STATS + index] });
    });
  });
}

function defineGetters(target: object, getters: Record<string, () => unknown>): object {
  for (const [name, get] of Object.entries(getters)) Object.defineProperty(target, name, { enumerable: true, get });
  return target;
}

/**
 * The features object rules see as `f`, built once per partition: plain objects whose
 * fields are getters over the context (CEL reads own properties of plain objects).
 */
export function createFeatures(c: FeatureContext): Features {
  const source = {};
  defineWindows(source, ['1m', '10m', '1h', '24h'], () => c.source());
  defineGetters(source, {
    history: () => c.history[H.COUNT],
    age_s: () => c.history[H.AGE_S],
    amount_mean: () => c.history[H.MEAN],
    amount_ratio: () => c.history[H.RATIO],
    amount_ratio_geo: () => c.history[H.RATIO_GEO],
    amount_z: () => c.history[H.Z],
    new_payee: () => c.newPayee,
    new_device: () => c.newDevice,
    new_country: () => c.newCountry,
    new_ip: () => c.newIp,
    new_category: () => c.newCategory,
    small_count_10m: () => c.source()[STATS + STAT.SELECTED],
    small_distinct_10m: () => c.source()[STATS + STAT.SELECTED_DISTINCT],
    new_payee_transfers_1h: () => c.newPayeeTransfers(),
    near_threshold_24h: () => c.nearThreshold(),
    since_new_device_s: () => c.since(c.account.lastNewDeviceAt),
    since_new_country_s: () => c.since(c.account.lastNewCountryAt),
    inbound_count_1h: () => c.inbound()[STAT.COUNT],
    inbound_count_24h: () => c.inbound()[STATS + STAT.COUNT],
    inbound_sum_24h: () => c.inbound()[STATS + STAT.SUM],
  });
  const card = {};
  defineWindows(card, ['10m', '1h'], () => c.card());
  defineGetters(card, {
    small_count_10m: () => c.card()[STAT.SELECTED],
    small_distinct_10m: () => c.card()[STAT.SELECTED_DISTINCT],
  });
  return {
    source,
    card,
    target: sharedKey(c, 'payee', { payments: () => c.state.accounts.peek(c.tx.target)?.history ?? 0 }),
    device: sharedKey(c, 'device'),
    ip: sharedKey(c, 'ip'),
    geo: defineGetters({}, {
      has_previous: () => c.hasPrevious,
      distance_km: () => c.geo[G.DISTANCE_KM],
      elapsed_s: () => c.geo[G.ELAPSED_S],
      speed_kmh: () => c.geo[G.SPEED_KMH],
    }),
    lists: listGetters(c),
    time: defineGetters({}, {
      hour_utc: () => new Date(c.eventTime).getUTCHours(),
      hour_local: () => localHour(c.eventTime, c.tx.country),
      night: () => localHour(c.eventTime, c.tx.country) < 6,
    }),
  } as Features;
}

function sharedKey(c: FeatureContext, which: 'device' | 'ip' | 'payee', more: Record<string, () => unknown> = {}): object {
  const target = {};
  defineWindows(target, ['1h', '24h'], () => c.shared(which));
  return defineGetters(target, {
    history: () => (c[which].key ? c[which].before : 0),
    age_s: () => (c[which].key ? Math.round((c.eventTime - c[which].firstSeen) / 1000) : 0),
    ...more,
  });
}

function listGetters(c: FeatureContext): object {
  const source = (): boolean => c.lists.blockedAccounts.has(c.tx.source);
  const target = (): boolean => c.lists.blockedAccounts.has(c.tx.target);
  const card = (): boolean => typeof c.tx.card === 'string' && c.lists.blockedCards.has(c.tx.card);
  const device = (): boolean => typeof c.tx.device === 'string' && c.lists.blockedDevices.has(c.tx.device);
  const ip = (): boolean => typeof c.tx.ip === 'string' && c.lists.blockedIps.has(c.tx.ip);
  return defineGetters({}, {
    source_blocked: source,
    target_blocked: target,
    card_blocked: card,
    device_blocked: device,
    ip_blocked: ip,
    source_allowed: () => c.lists.allowedAccounts.has(c.tx.source),
    any_blocked: () => source() || target() || card() || device() || ip(),
  });
}
