import type { Transaction } from '../../domain/transaction.ts';
import { distanceKm } from '../../domain/geo.ts';
import { hashString } from '../state/hash.ts';
import { Flag, type AccountState, type KeyState } from '../state/key-states.ts';
import type { PartitionState } from '../state/partition-state.ts';
import { aggregateWindows, countWhere, round2, WINDOWS } from '../state/windows.ts';
import type { CompiledLists } from '../rules/ruleset.ts';
import { listFeatures, NO_LISTS } from './lists.ts';
import type { FeatureSettings } from './settings.ts';
import { localHour } from './timezones.ts';
import type { CardFeatures, Features, GeoFeatures, ListFeatures, PayeeFeatures, SourceFeatures, TimeFeatures } from './types.ts';
import {
  ALL_WINDOWS,
  allWindows,
  HOUR_AND_DAY,
  hourAndDay,
  payee,
  TEN_MINUTES_AND_HOUR,
  tenMinutesAndHour,
  type HourAndDay,
  type SourceHistory,
} from './window-shapes.ts';

/** Channels whose coordinates are where the payer stands, so travel speed means something. */
const IN_PERSON = new Set(['card-present', 'pos', 'atm', 'in-store']);
const NEVER = -1;
const EMPTY_HOUR_AND_DAY = Object.freeze(hourAndDay([]));
const EMPTY_PAYEE = Object.freeze(payee([], 0));
const EMPTY_CARD = Object.freeze(tenMinutesAndHour([]));

/** Hashes of the transaction's identifiers, computed once per transaction. */
interface Ids {
  target: number;
  source: number;
  device: number | undefined;
  country: number | undefined;
  ip: number | undefined;
  category: number | undefined;
  card: number;
}

/**
 * Records a transaction in its partition's state and returns its features. History
 * features (new payee, amount habits, travel) are taken before the transaction is
 * recorded; window counts include it ("6 payments in 1 min" counts this one).
 *
 * Feature groups are computed when a rule first reads them: most rulesets read a few of
 * the ~150 features, and aggregating every window of every key for each transaction
 * would cost more than all the rest of deciding it. The object returned is the
 * partition's one feature view, reused for its next transaction (building an object of
 * getters per transaction costs more than the features a rule reads): read it, or copy
 * what you need, before the partition's next transaction is observed.
 */
export function observe(
  state: PartitionState,
  tx: Transaction,
  eventTime: number,
  settings: FeatureSettings,
  lists: CompiledLists = NO_LISTS,
): Features {
  state.advance(eventTime);
  const ids = idsOf(tx);
  const account = state.accounts.touch(tx.source);
  const history = historyOf(account, tx, ids, eventTime);
  const geo = geoFeatures(account, tx, eventTime, settings);
  recordAccount(account, tx, ids, eventTime, history);
  const context = (state.view ??= createView()).context;
  context.reset({ state, tx, ids, account, history, geo, eventTime, settings, lists });
  if (tx.channel === 'transfer') recordShared(context.payee, state.payees.touch(tx.target), tx.amount, ids.source, eventTime);
  if (typeof tx.device === 'string') recordShared(context.device, state.devices.touch(tx.device), tx.amount, ids.source, eventTime);
  if (typeof tx.ip === 'string') recordShared(context.ip, state.ips.touch(tx.ip), tx.amount, ids.source, eventTime);
  return state.view.features;
}

/** A payment recorded on a shared key (payee, device, ip), and what that key looked like before it. */
interface Recorded {
  key: KeyState | undefined;
  before: number;
  firstSeen: number;
}

interface Current {
  state: PartitionState;
  tx: Transaction;
  ids: Ids;
  account: AccountState;
  history: SourceHistory;
  geo: GeoFeatures;
  eventTime: number;
  settings: FeatureSettings;
  lists: CompiledLists;
}

/** The transaction being decided and the feature groups computed for it so far. */
class ViewContext {
  current: Current | undefined;
  readonly payee: Recorded = { key: undefined, before: 0, firstSeen: 0 };
  readonly device: Recorded = { key: undefined, before: 0, firstSeen: 0 };
  readonly ip: Recorded = { key: undefined, before: 0, firstSeen: 0 };
  source: SourceFeatures | undefined;
  target: PayeeFeatures | undefined;
  card: CardFeatures | undefined;
  deviceFeatures: HourAndDay | undefined;
  ipFeatures: HourAndDay | undefined;
  lists: ListFeatures | undefined;
  time: TimeFeatures | undefined;

  reset(current: Current): void {
    this.current = current;
    this.payee.key = this.device.key = this.ip.key = undefined;
    this.source = this.target = this.card = this.deviceFeatures = this.ipFeatures = undefined;
    this.lists = this.time = undefined;
  }

  get now(): Current {
    if (!this.current) throw new Error('no transaction observed yet');
    return this.current;
  }
}

export interface FeatureView {
  features: Features;
  context: ViewContext;
}

/** One object of getters per partition (rules see it as `f`), reading the current context. */
function createView(): FeatureView {
  const context = new ViewContext();
  const features: Features = {
    get source() {
      const c = context.now;
      return (context.source ??= sourceFeatures(c.state, c.account, c.tx.source, c.history, c.eventTime, c.settings));
    },
    get target() {
      const c = context.now;
      return (context.target ??= context.payee.key ? payeeFeatures(c.state, c.tx.target, context.payee, c.eventTime) : EMPTY_PAYEE);
    },
    get card() {
      const c = context.now;
      return (context.card ??= cardFeatures(c.account, c.tx, c.ids, c.eventTime, c.settings));
    },
    get device() {
      return (context.deviceFeatures ??= context.device.key ? sharedFeatures(context.device, context.now.eventTime) : EMPTY_HOUR_AND_DAY);
    },
    get ip() {
      return (context.ipFeatures ??= context.ip.key ? sharedFeatures(context.ip, context.now.eventTime) : EMPTY_HOUR_AND_DAY);
    },
    get geo() {
      return context.now.geo;
    },
    get lists() {
      const c = context.now;
      return (context.lists ??= listFeatures(c.lists, c.tx));
    },
    get time() {
      const c = context.now;
      return (context.time ??= timeFeatures(c.eventTime, c.tx.country));
    },
  };
  return { features, context };
}

function idsOf(tx: Transaction): Ids {
  return {
    target: hashString(tx.target),
    source: hashString(tx.source),
    device: typeof tx.device === 'string' ? hashString(tx.device) : undefined,
    country: typeof tx.country === 'string' ? hashString(tx.country.toUpperCase()) : undefined,
    ip: typeof tx.ip === 'string' ? hashString(tx.ip) : undefined,
    category: tx.mcc === undefined || tx.mcc === null ? undefined : hashString(String(tx.mcc)),
    card: typeof tx.card === 'string' ? hashString(tx.card) : 0,
  };
}

/** What the account's history says about this transaction, before it is added. */
function historyOf(account: AccountState, tx: Transaction, ids: Ids, now: number): SourceHistory {
  const n = account.history;
  const known = n > 0;
  return {
    history: n,
    age_s: known ? Math.round((now - account.firstSeen) / 1000) : 0,
    amount_mean: round2(account.amountMean),
    amount_ratio: known ? round2(tx.amount / account.amountMean) : 0,
    amount_ratio_geo: known ? round2(tx.amount / Math.exp(account.logMean)) : 0,
    // A floor on the spread keeps a customer who always pays the same from scoring huge z for a small change.
    amount_z: n < 3 ? 0 : round2((Math.log(tx.amount) - account.logMean) / Math.max(account.logStd(), 0.25)),
    new_payee: known && !account.knowsPayee(ids.target),
    new_device: known && ids.device !== undefined && !account.knows('device', ids.device),
    new_country: known && ids.country !== undefined && !account.knows('country', ids.country),
    new_ip: known && ids.ip !== undefined && !account.knows('ip', ids.ip),
    new_category: known && ids.category !== undefined && !account.knows('category', ids.category),
  };
}

function recordAccount(account: AccountState, tx: Transaction, ids: Ids, now: number, before: SourceHistory): void {
  const transfer = tx.channel === 'transfer' ? Flag.TRANSFER : 0;
  const newPayee = before.new_payee || account.history === 0 ? Flag.NEW_PARTY : 0;
  const online = tx.channel === 'ecommerce' ? Flag.ONLINE : 0;
  account.record(now, tx.amount, ids.target, transfer | newPayee | online, ids.card);
  account.learnAmount(tx.amount);
  account.learnPayee(ids.target);
  if (ids.device !== undefined) account.learn('device', ids.device);
  if (ids.country !== undefined) account.learn('country', ids.country);
  if (ids.ip !== undefined) account.learn('ip', ids.ip);
  if (ids.category !== undefined) account.learn('category', ids.category);
  if (before.new_device) account.lastNewDeviceAt = now;
  if (before.new_country) account.lastNewCountryAt = now;
}

function sourceFeatures(
  state: PartitionState,
  account: AccountState,
  source: string,
  history: SourceHistory,
  now: number,
  settings: FeatureSettings,
): SourceFeatures {
  const stats = aggregateWindows(account, now, ALL_WINDOWS, (amount) => amount <= settings.smallAmount);
  const received = state.payees.peek(source);
  const inbound = received ? aggregateWindows(received, now, HOUR_AND_DAY) : [];
  const newPayeeTransfer = Flag.TRANSFER | Flag.NEW_PARTY;
  const floor = settings.reportingThreshold * settings.nearThresholdShare;
  return allWindows(stats, history, {
    new_payee_transfers_1h: countWhere(account, now, WINDOWS['1h'], (_, flags) => (flags & newPayeeTransfer) === newPayeeTransfer),
    near_threshold_24h: countWhere(account, now, WINDOWS['24h'], (amount) => amount >= floor && amount < settings.reportingThreshold),
    since_new_device_s: secondsSince(account.lastNewDeviceAt, now),
    since_new_country_s: secondsSince(account.lastNewCountryAt, now),
    inbound_count_1h: inbound[0]?.count ?? 0,
    inbound_count_24h: inbound[1]?.count ?? 0,
    inbound_sum_24h: inbound[1]?.sum ?? 0,
  });
}

function geoFeatures(account: AccountState, tx: Transaction, now: number, settings: FeatureSettings): GeoFeatures {
  const located = typeof tx.lat === 'number' && typeof tx.lon === 'number' && (tx.channel == null || IN_PERSON.has(tx.channel));
  if (!located) return { has_previous: false, distance_km: 0, elapsed_s: 0, speed_kmh: 0 };
  const here = { lat: tx.lat as number, lon: tx.lon as number };
  const last = account.lastPlace;
  const result = Number.isNaN(last.at) ? { has_previous: false, distance_km: 0, elapsed_s: 0, speed_kmh: 0 } : travel(last, here, now, settings);
  account.setLastPlace(here.lat, here.lon, now);
  return result;
}

function travel(last: { lat: number; lon: number; at: number }, here: { lat: number; lon: number }, now: number, settings: FeatureSettings): GeoFeatures {
  const distance = distanceKm(last, here);
  const elapsedS = Math.max(0, (now - last.at) / 1000);
  // Below the noise distance there is no trip to measure; at zero elapsed time, count a second.
  const speed = distance < settings.minTravelKm ? 0 : distance / (Math.max(elapsedS, 1) / 3600);
  return { has_previous: true, distance_km: Math.round(distance), elapsed_s: Math.round(elapsedS), speed_kmh: Math.round(speed) };
}

function recordShared(into: Recorded, key: KeyState, amount: number, source: number, now: number): void {
  into.key = key;
  into.before = key.history;
  into.firstSeen = key.history === 0 ? now : key.firstSeen;
  key.record(now, amount, source);
}

function payeeFeatures(state: PartitionState, target: string, recorded: Recorded, now: number): PayeeFeatures {
  const features = payee(aggregateWindows(recorded.key as KeyState, now, HOUR_AND_DAY), state.accounts.peek(target)?.history ?? 0);
  features.history = recorded.before;
  features.age_s = Math.round((now - recorded.firstSeen) / 1000);
  return features;
}

/** The account's payments with this card (the account's ring keeps each payment's card). */
function cardFeatures(account: AccountState, tx: Transaction, ids: Ids, now: number, settings: FeatureSettings): CardFeatures {
  if (typeof tx.card !== 'string') return EMPTY_CARD;
  return tenMinutesAndHour(aggregateWindows(account, now, TEN_MINUTES_AND_HOUR, (amount) => amount <= settings.smallAmount, ids.card));
}

/** A device or ip: how much it is used, by how many accounts, since when. */
function sharedFeatures(recorded: Recorded, now: number): HourAndDay {
  const features = hourAndDay(aggregateWindows(recorded.key as KeyState, now, HOUR_AND_DAY));
  features.history = recorded.before;
  features.age_s = Math.round((now - recorded.firstSeen) / 1000);
  return features;
}

function timeFeatures(eventTime: number, country: string | null | undefined): Features['time'] {
  const hourLocal = localHour(eventTime, country);
  return { hour_utc: new Date(eventTime).getUTCHours(), hour_local: hourLocal, night: hourLocal < 6 };
}

function secondsSince(time: number, now: number): number {
  return Number.isFinite(time) ? Math.round((now - time) / 1000) : NEVER;
}
