import type { Transaction } from '../../domain/transaction.ts';
import { declareArrayField } from '../../model/flatten.ts';
import type { CompiledLists } from '../rules/ruleset.ts';
import type { EntityAccess } from '../state/access.ts';
import { F_FLAGS, Flag, H_NEW_COUNTRY_AT, H_NEW_DEVICE_AT, type Entity } from '../state/entity.ts';
import { Kind } from '../state/kinds.ts';
import { LABEL_STATS, labelStatsInto, LS } from '../state/label-windows.ts';
import { DAY_MS, HOUR_MS } from '../state/limits.ts';
import { aggregateInto, countAmountsIn, countFlagged, STAT, STATS, WINDOWS, type WindowName } from '../state/windows.ts';
import { ChannelClass } from './channels.ts';
import type { FeatureSettings } from './settings.ts';
import { localHour, localWeekday } from './timezones.ts';
import { CARD_WINDOWS, SHARED_WINDOWS, SOURCE_WINDOWS, WINDOW_STATS, type Features } from './types.ts';

const lengths = (names: readonly WindowName[]): number[] => names.map((name) => WINDOWS[name]);
const SOURCE_MS = lengths(SOURCE_WINDOWS);
const CARD_MS = lengths(CARD_WINDOWS);
const SHARED_MS = lengths(SHARED_WINDOWS);
const INBOUND_MS = lengths(['1h', '24h', '7d']);

/** Slots of FeatureContext.history: the account's history before this transaction. */
export const H = { COUNT: 0, AGE_S: 1, MEAN: 2, RATIO: 3, RATIO_GEO: 4, Z: 5, SINCE_LAST: 6 } as const;
/** Slots of FeatureContext.geo. */
export const G = { DISTANCE_KM: 0, ELAPSED_S: 1, SPEED_KMH: 2 } as const;

/** A payment recorded on a shared entity (card, merchant, payee, device, ip), and what it looked like before. */
export interface Recorded {
  entity: Entity | undefined;
  before: number;
  firstSeen: number;
  /** Its newest event before this one (-Infinity for a new entity). */
  lastSeen: number;
}

const emptyRecorded = (): Recorded => ({ entity: undefined, before: 0, firstSeen: 0, lastSeen: Number.NEGATIVE_INFINITY });

/** Which memoised window group, by slot of FeatureContext's stamp array. */
const Group = { SOURCE: 0, INBOUND: 1, CARD: 2, MERCHANT: 3, PAYEE: 4, DEVICE: 5, IP: 6 } as const;

/**
 * The transaction being decided, as observe() leaves it, and the windows computed for it
 * so far. One per detector, reused: its numbers live in typed arrays, so a transaction
 * costs no allocation here, and a window group is aggregated only if a rule reads it.
 */
export class FeatureContext {
  /** Bumped per transaction: memoised windows of an older stamp are stale. */
  stamp = 0;
  store!: EntityAccess;
  tx!: Transaction;
  account!: Entity;
  channel: ChannelClass = ChannelClass.NONE;
  eventTime = 0;
  settings!: FeatureSettings;
  lists!: CompiledLists;
  readonly history = new Float64Array(7);
  newPayee = false;
  newDevice = false;
  newCountry = false;
  newIp = false;
  newCategory = false;
  hasPrevious = false;
  readonly geo = new Float64Array(3);
  readonly card: Recorded = emptyRecorded();
  readonly merchant: Recorded = emptyRecorded();
  readonly payee: Recorded = emptyRecorded();
  readonly device: Recorded = emptyRecorded();
  readonly ip: Recorded = emptyRecorded();
  readonly #windows = [
    new Float64Array(SOURCE_MS.length * STATS),
    new Float64Array(INBOUND_MS.length * STATS),
    new Float64Array(CARD_MS.length * STATS),
    new Float64Array(SHARED_MS.length * STATS),
    new Float64Array(SHARED_MS.length * STATS),
    new Float64Array(SHARED_MS.length * STATS),
    new Float64Array(SHARED_MS.length * STATS),
  ];
  readonly #at = new Float64Array(7).fill(-1);
  readonly #labels = [0, 1, 2, 3, 4, 5, 6].map(() => new Float64Array(LABEL_STATS));
  readonly #labelsAt = new Float64Array(7).fill(-1);

  /** Label-fed figures of one of the transaction's entities. */
  labels(which: 'source' | 'card' | 'merchant' | 'payee' | 'device' | 'ip'): Float64Array {
    const group = which === 'source' ? Group.SOURCE : which === 'card' ? Group.CARD : which === 'merchant' ? Group.MERCHANT : which === 'payee' ? Group.PAYEE : which === 'device' ? Group.DEVICE : Group.IP;
    const out = this.#labels[group] as Float64Array;
    if (this.#labelsAt[group] === this.stamp) return out;
    this.#labelsAt[group] = this.stamp;
    const entity = which === 'source' ? this.account : this[which].entity;
    return labelStatsInto(out, entity, this.eventTime, this.settings.labelDelayDays * DAY_MS);
  }

  source(): Float64Array {
    return this.#memo(Group.SOURCE, this.account, SOURCE_MS, true);
  }

  /** Transfers the account received (it is a payee too). */
  inbound(): Float64Array {
    const out = this.#windows[Group.INBOUND] as Float64Array;
    if (this.#at[Group.INBOUND] === this.stamp) return out;
    this.#at[Group.INBOUND] = this.stamp;
    const received = this.store.peek(Kind.PAYEE, this.tx.source, this.eventTime);
    return received ? aggregateInto(out, received, this.eventTime, INBOUND_MS) : out.fill(0);
  }

  cardWindows(): Float64Array {
    return this.#memo(Group.CARD, this.card.entity, CARD_MS, true);
  }

  shared(which: 'merchant' | 'payee' | 'device' | 'ip'): Float64Array {
    const group = which === 'merchant' ? Group.MERCHANT : which === 'payee' ? Group.PAYEE : which === 'device' ? Group.DEVICE : Group.IP;
    return this.#memo(group, this[which].entity, SHARED_MS, false);
  }

  newPayeeTransfers(): number {
    return countFlagged(this.account, this.eventTime, WINDOWS['1h'], Flag.TRANSFER | Flag.NEW_PARTY);
  }

  nearThreshold(): number {
    const { reportingThreshold, nearThresholdShare } = this.settings;
    const floor = reportingThreshold * nearThresholdShare;
    return countAmountsIn(this.account, this.eventTime, WINDOWS['24h'], floor, reportingThreshold);
  }

  /** Earlier payments of the account within `windowMs` flagged big when they happened. */
  bigPrior(windowMs: number): number {
    const all = countFlagged(this.account, this.eventTime, windowMs, Flag.BIG);
    return this.account.event(0, F_FLAGS) & Flag.BIG ? all - 1 : all;
  }

  /** The mean of the account's payments of the last 30 days before this one; 0 without any. */
  amountRatio30d(): number {
    const w = this.source();
    const at = 5 * STATS;
    const count = (w[at + STAT.COUNT] as number) - 1;
    if (count <= 0) return 0;
    const mean = ((w[at + STAT.SUM] as number) - this.tx.amount) / count;
    return mean > 0 ? Math.round((this.tx.amount / mean) * 100) / 100 : 0;
  }

  /** Seconds since a time of the account (a new device, a new country), -1 if never. */
  since(time: number): number {
    return Number.isFinite(time) ? Math.round((this.eventTime - time) / 1000) : -1;
  }

  #memo(group: number, entity: Entity | undefined, windowsMs: number[], withSmall: boolean): Float64Array {
    const out = this.#windows[group] as Float64Array;
    if (this.#at[group] === this.stamp) return out;
    this.#at[group] = this.stamp;
    if (!entity) return out.fill(0);
    return aggregateInto(out, entity, this.eventTime, windowsMs, withSmall ? this.settings.smallAmount : Number.NaN);
  }
}

/** The label-fed fields of a group (LabelFeatures), by their slot of labelStatsInto's output. */
const LABEL_FIELDS: Readonly<Record<string, number>> = {
  fraud_known_1d: LS.KNOWN_1D,
  fraud_known_7d: LS.KNOWN_7D,
  fraud_known_30d: LS.KNOWN_30D,
  fraud_7d: LS.FRAUD_7D,
  fraud_30d: LS.FRAUD_30D,
  fraud_rate_7d: LS.RATE_7D,
  fraud_rate_30d: LS.RATE_30D,
  frauds: LS.EVER,
  since_fraud_s: LS.SINCE,
  fraud_parties_7d: LS.PARTIES_7D,
  fraud_parties_30d: LS.PARTIES_30D,
  first_fraud_30d_s: LS.FIRST_30D,
  fraud_rate_1d: LS.RATE_1D,
  matured_7d: LS.MATURED_7D,
  matured_30d: LS.MATURED_30D,
};

/** The label-fed getters of a group; `declareLabelFields` tells the model's vectorizer where they live. */
function labelGetters(read: () => Float64Array): Record<string, () => unknown> {
  return Object.fromEntries(Object.entries(LABEL_FIELDS).map(([name, slot]) => [name, () => read()[slot]]));
}

function declareLabelFields<T extends object>(target: T, read: () => Float64Array): T {
  for (const [name, slot] of Object.entries(LABEL_FIELDS)) declareArrayField(target, name, read, slot);
  return target;
}

/** `<stat>_<suffix>` getters reading window `w` of a group's aggregate. */
function defineWindows(target: object, suffixes: readonly string[], read: () => Float64Array): void {
  suffixes.forEach((suffix, window) => {
    WINDOW_STATS.forEach((stat, index) => {
      Object.defineProperty(target, `${stat}_${suffix}`, { enumerable: true, get: () => read()[window * STATS + index] });
      declareArrayField(target, `${stat}_${suffix}`, read, window * STATS + index);
    });
  });
}

/**
 * An empty group object for getters: a plain object (its constructor is Object, as CEL
 * requires) whose prototype is its own, so its shape is its own too. Getters are
 * closures over one context, so two views' groups define the same names with different
 * functions; from a shared `{}` V8 then cannot share their shapes and turns every group
 * of the second view into a dictionary (each read a hash lookup and a getter call it
 * cannot inline). The detector builds a probe view before its own, so that was every
 * read of every transaction.
 */
function groupObject(): object {
  return Object.create({}) as object;
}

function defineGetters(target: object, getters: Record<string, () => unknown>): object {
  for (const [name, get] of Object.entries(getters)) Object.defineProperty(target, name, { enumerable: true, get });
  return target;
}

/**
 * The features object rules see as `f`, built once per context: plain objects whose
 * fields are getters over the context (CEL reads own properties of plain objects).
 */
export function createFeatures(c: FeatureContext): Features {
  return {
    source: sourceFeatures(c),
    card: cardFeatures(c),
    target: sharedFeatures(c, 'payee', { payments: () => c.store.peek(Kind.ACCOUNT, c.tx.target, c.eventTime)?.count ?? 0 }),
    merchant: sharedFeatures(c, 'merchant'),
    device: sharedFeatures(c, 'device'),
    ip: sharedFeatures(c, 'ip'),
    geo: defineGetters(groupObject(), {
      has_previous: () => c.hasPrevious,
      distance_km: () => c.geo[G.DISTANCE_KM],
      elapsed_s: () => c.geo[G.ELAPSED_S],
      speed_kmh: () => c.geo[G.SPEED_KMH],
    }),
    channel: defineGetters(groupObject(), {
      in_person: () => c.channel === ChannelClass.IN_PERSON,
      online: () => c.channel === ChannelClass.ONLINE,
      transfer: () => c.channel === ChannelClass.TRANSFER,
      known: () => c.channel !== ChannelClass.UNKNOWN,
    }),
    lists: listGetters(c),
    time: defineGetters(groupObject(), {
      // Arithmetic, not a Date per read (UTC has no offsets); the + 24 keeps times before 1970 right.
      hour_utc: () => ((Math.floor(c.eventTime / HOUR_MS) % 24) + 24) % 24,
      hour_local: () => localHour(c.eventTime, c.tx.country),
      night: () => localHour(c.eventTime, c.tx.country) < 6,
      weekend: () => {
        const day = localWeekday(c.eventTime, c.tx.country);
        return day === 0 || day === 6;
      },
    }),
  } as Features;
}

function sourceFeatures(c: FeatureContext): object {
  const source = groupObject();
  defineWindows(source, SOURCE_WINDOWS, () => c.source());
  const labels = (): Float64Array => c.labels('source');
  declareLabelFields(source, labels);
  return defineGetters(source, {
    history: () => c.history[H.COUNT],
    age_s: () => c.history[H.AGE_S],
    amount_mean: () => c.history[H.MEAN],
    amount_ratio: () => c.history[H.RATIO],
    amount_ratio_geo: () => c.history[H.RATIO_GEO],
    amount_ratio_30d: () => c.amountRatio30d(),
    amount_z: () => c.history[H.Z],
    since_last_s: () => c.history[H.SINCE_LAST],
    new_payee: () => c.newPayee,
    new_merchant: () => c.newPayee && c.channel !== ChannelClass.TRANSFER,
    new_device: () => c.newDevice,
    new_country: () => c.newCountry,
    new_ip: () => c.newIp,
    new_category: () => c.newCategory,
    small_count_10m: () => c.source()[STATS + STAT.SELECTED],
    small_distinct_10m: () => c.source()[STATS + STAT.SELECTED_DISTINCT],
    big_prior_1d: () => c.bigPrior(DAY_MS),
    big_prior_7d: () => c.bigPrior(7 * DAY_MS),
    big_prior_30d: () => c.bigPrior(30 * DAY_MS),
    new_payee_transfers_1h: () => c.newPayeeTransfers(),
    near_threshold_24h: () => c.nearThreshold(),
    since_new_device_s: () => c.since(c.account.d[H_NEW_DEVICE_AT] as number),
    since_new_country_s: () => c.since(c.account.d[H_NEW_COUNTRY_AT] as number),
    inbound_count_1h: () => c.inbound()[STAT.COUNT],
    inbound_count_24h: () => c.inbound()[STATS + STAT.COUNT],
    inbound_sum_24h: () => c.inbound()[STATS + STAT.SUM],
    inbound_count_7d: () => c.inbound()[2 * STATS + STAT.COUNT],
    inbound_distinct_24h: () => c.inbound()[STATS + STAT.DISTINCT],
    ...labelGetters(labels),
  });
}

function cardFeatures(c: FeatureContext): object {
  const card = groupObject();
  defineWindows(card, CARD_WINDOWS, () => c.cardWindows());
  const labels = (): Float64Array => c.labels('card');
  declareLabelFields(card, labels);
  return defineGetters(card, {
    history: () => (c.card.entity ? c.card.before : 0),
    age_s: () => (c.card.entity ? Math.round((c.eventTime - c.card.firstSeen) / 1000) : 0),
    since_last_s: () => (c.card.entity && c.card.before > 0 ? Math.round((c.eventTime - c.card.lastSeen) / 1000) : -1),
    small_count_10m: () => c.cardWindows()[STAT.SELECTED],
    small_distinct_10m: () => c.cardWindows()[STAT.SELECTED_DISTINCT],
    ...labelGetters(labels),
  });
}

function sharedFeatures(c: FeatureContext, which: 'merchant' | 'payee' | 'device' | 'ip', more: Record<string, () => unknown> = {}): object {
  const target = groupObject();
  defineWindows(target, SHARED_WINDOWS, () => c.shared(which));
  const labels = (): Float64Array => c.labels(which);
  declareLabelFields(target, labels);
  return defineGetters(target, {
    history: () => (c[which].entity ? c[which].before : 0),
    age_s: () => (c[which].entity ? Math.round((c.eventTime - c[which].firstSeen) / 1000) : 0),
    ...labelGetters(labels),
    ...more,
  });
}

function listGetters(c: FeatureContext): object {
  const source = (): boolean => c.lists.blockedAccounts.has(c.tx.source);
  const target = (): boolean => c.lists.blockedAccounts.has(c.tx.target);
  const card = (): boolean => typeof c.tx.card === 'string' && c.lists.blockedCards.has(c.tx.card);
  const device = (): boolean => typeof c.tx.device === 'string' && c.lists.blockedDevices.has(c.tx.device);
  const ip = (): boolean => typeof c.tx.ip === 'string' && c.lists.blockedIps.has(c.tx.ip);
  return defineGetters(groupObject(), {
    source_blocked: source,
    target_blocked: target,
    card_blocked: card,
    device_blocked: device,
    ip_blocked: ip,
    source_allowed: () => c.lists.allowedAccounts.has(c.tx.source),
    any_blocked: () => source() || target() || card() || device() || ip(),
  });
}
