import { distanceKm } from '../../domain/geo.ts';
import type { Transaction } from '../../domain/transaction.ts';
import type { CompiledLists } from '../rules/ruleset.ts';
import type { EntityAccess } from '../state/access.ts';
import {
  Flag, H_AMOUNT_MEAN, H_GEO_AT, H_GEO_LAT, H_GEO_LON, H_LOG_M2, H_LOG_MEAN, H_NEW_COUNTRY_AT, H_NEW_DEVICE_AT, type Entity,
} from '../state/entity.ts';
import { hashString } from '../state/hash.ts';
import { Kind, SetTag } from '../state/kinds.ts';
import type { StateLimits } from '../state/limits.ts';
import { setHas, setTouch } from '../state/sets.ts';
import { round2 } from '../state/windows.ts';
import { ChannelClass, type ChannelVocabulary } from './channels.ts';
import { NO_LISTS } from './lists.ts';
import type { FeatureSettings } from './settings.ts';
import type { Features } from './types.ts';
import { createFeatures, FeatureContext, G, H, type Recorded } from './view.ts';

/** The features object and the context it reads, reused for every transaction one detector decides. */
export interface FeatureView {
  context: FeatureContext;
  features: Features;
}

export function newFeatureView(): FeatureView {
  const context = new FeatureContext();
  return { context, features: createFeatures(context) };
}

/** What observe() needs besides the transaction: where state lives and the ruleset's parameters. */
export interface ObserveOptions {
  store: EntityAccess;
  settings: FeatureSettings;
  channels: ChannelVocabulary;
  lists?: CompiledLists;
  limits: StateLimits;
}

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
 * Records a transaction in the state of every entity it involves and returns its
 * features. History features (new payee, amount habits, travel) are taken before the
 * transaction is recorded; window counts include it ("6 payments in 1 min" counts this one).
 *
 * The object returned is the view's one features object, reused for the next
 * transaction, whose fields are computed when a rule reads them: most rulesets read a
 * few of the ~250 features, and building them all for each transaction would cost more
 * than all the rest of deciding it. Read it, or copy what you need, before the next
 * transaction is observed. A transaction only applied (not decided) costs the same
 * bookkeeping and no feature.
 */
export function observe(view: FeatureView, tx: Transaction, eventTime: number, options: ObserveOptions): Features {
  const { store, settings, limits } = options;
  const c = view.context;
  const ids = idsOf(tx);
  const account = store.get(Kind.ACCOUNT, tx.source, eventTime);
  c.stamp++;
  c.store = store;
  c.tx = tx;
  c.account = account;
  c.channel = options.channels.classify(tx.channel);
  c.eventTime = eventTime;
  c.settings = settings;
  c.lists = options.lists ?? NO_LISTS;
  takeHistory(c, account, tx, ids);
  takeGeo(c, account, tx, settings);
  if (store.applies(account)) {
    recordAccount(c, account, tx, ids, limits);
    store.changed(account);
  }
  const transfer = c.channel === ChannelClass.TRANSFER;
  const flags = (transfer ? Flag.TRANSFER : 0) | (c.channel === ChannelClass.ONLINE ? Flag.ONLINE : 0) | (isBig(c) ? Flag.BIG : 0);
  record(c.card, typeof tx.card === 'string' ? [Kind.CARD, tx.card] : undefined, { c, amount: tx.amount, party: ids.target, extra: ids.source, flags }, limits);
  record(c.merchant, transfer ? undefined : [Kind.MERCHANT, tx.target], { c, amount: tx.amount, party: ids.source, extra: ids.card, flags }, limits);
  record(c.payee, transfer ? [Kind.PAYEE, tx.target] : undefined, { c, amount: tx.amount, party: ids.source, extra: 0, flags }, limits);
  record(c.device, typeof tx.device === 'string' ? [Kind.DEVICE, tx.device] : undefined, { c, amount: tx.amount, party: ids.source, extra: ids.card, flags }, limits);
  record(c.ip, typeof tx.ip === 'string' ? [Kind.IP, tx.ip] : undefined, { c, amount: tx.amount, party: ids.source, extra: ids.card, flags }, limits);
  return view.features;
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
function takeHistory(c: FeatureContext, account: Entity, tx: Transaction, ids: Ids): void {
  const n = account.count;
  const known = n > 0;
  const d = account.d;
  const h = c.history;
  const mean = d[H_AMOUNT_MEAN] as number;
  const logMean = d[H_LOG_MEAN] as number;
  h[H.COUNT] = n;
  h[H.AGE_S] = known ? Math.round((c.eventTime - account.firstSeen) / 1000) : 0;
  h[H.MEAN] = round2(mean);
  h[H.RATIO] = known ? round2(tx.amount / mean) : 0;
  h[H.RATIO_GEO] = known ? round2(tx.amount / Math.exp(logMean)) : 0;
  const logStd = n > 1 ? Math.sqrt((d[H_LOG_M2] as number) / (n - 1)) : 0;
  // A floor on the spread keeps a customer who always pays the same from scoring huge z for a small change.
  h[H.Z] = n < 3 ? 0 : round2((Math.log(tx.amount) - logMean) / Math.max(logStd, 0.25));
  h[H.SINCE_LAST] = known ? Math.round((c.eventTime - account.lastSeen) / 1000) : -1;
  const s = account.s;
  c.newPayee = known && !setHas(s, SetTag.PARTY, ids.target);
  c.newDevice = known && ids.device !== undefined && !setHas(s, SetTag.DEVICE, ids.device);
  c.newCountry = known && ids.country !== undefined && !setHas(s, SetTag.COUNTRY, ids.country);
  c.newIp = known && ids.ip !== undefined && !setHas(s, SetTag.IP, ids.ip);
  c.newCategory = known && ids.category !== undefined && !setHas(s, SetTag.CATEGORY, ids.category);
}

/** Distance and speed since the account's previous in-person payment. */
function takeGeo(c: FeatureContext, account: Entity, tx: Transaction, settings: FeatureSettings): void {
  c.hasPrevious = false;
  c.geo.fill(0);
  if (!isInPersonPlace(c, tx)) return;
  const d = account.d;
  const at = d[H_GEO_AT] as number;
  if (Number.isNaN(at)) return;
  const here = { lat: tx.lat as number, lon: tx.lon as number };
  const distance = distanceKm({ lat: d[H_GEO_LAT] as number, lon: d[H_GEO_LON] as number }, here);
  const elapsedS = Math.max(0, (c.eventTime - at) / 1000);
  c.hasPrevious = true;
  c.geo[G.DISTANCE_KM] = Math.round(distance);
  c.geo[G.ELAPSED_S] = Math.round(elapsedS);
  // Below the noise distance there is no trip to measure; at zero elapsed time, count a second.
  c.geo[G.SPEED_KMH] = distance < settings.minTravelKm ? 0 : Math.round(distance / (Math.max(elapsedS, 1) / 3600));
}

function recordAccount(c: FeatureContext, account: Entity, tx: Transaction, ids: Ids, limits: StateLimits): void {
  const time = c.eventTime;
  const transfer = c.channel === ChannelClass.TRANSFER ? Flag.TRANSFER : 0;
  const newPayee = c.newPayee || account.count === 0 ? Flag.NEW_PARTY : 0;
  const online = c.channel === ChannelClass.ONLINE ? Flag.ONLINE : 0;
  const big = isBig(c) ? Flag.BIG : 0;
  account.record(time, tx.amount, ids.target, transfer | newPayee | online | big, ids.card);
  learnAmount(account, tx.amount);
  const caps = limits.setCapacity;
  setTouch(account, SetTag.PARTY, ids.target, time, caps[SetTag.PARTY] as number);
  if (ids.device !== undefined) setTouch(account, SetTag.DEVICE, ids.device, time, caps[SetTag.DEVICE] as number);
  if (ids.country !== undefined) setTouch(account, SetTag.COUNTRY, ids.country, time, caps[SetTag.COUNTRY] as number);
  if (ids.ip !== undefined) setTouch(account, SetTag.IP, ids.ip, time, caps[SetTag.IP] as number);
  if (ids.category !== undefined) setTouch(account, SetTag.CATEGORY, ids.category, time, caps[SetTag.CATEGORY] as number);
  const d = account.d;
  if (c.newDevice) d[H_NEW_DEVICE_AT] = time;
  if (c.newCountry) d[H_NEW_COUNTRY_AT] = time;
  if (isInPersonPlace(c, tx)) {
    d[H_GEO_LAT] = tx.lat as number;
    d[H_GEO_LON] = tx.lon as number;
    d[H_GEO_AT] = time;
  }
}

/** Three times the account's mean amount before it, or more: big for this payer. */
function isBig(c: FeatureContext): boolean {
  return (c.history[H.COUNT] as number) > 0 && (c.history[H.RATIO] as number) >= 3;
}

/** A payment whose coordinates are where the payer stood: in person, or of no stated channel. */
function isInPersonPlace(c: FeatureContext, tx: Transaction): boolean {
  return typeof tx.lat === 'number' && typeof tx.lon === 'number' && (c.channel === ChannelClass.NONE || c.channel === ChannelClass.IN_PERSON);
}

/** Welford on log amounts, called after record() so the count includes this payment: amounts are log-normal, so spread is measured in ratios. */
function learnAmount(account: Entity, amount: number): void {
  const d = account.d;
  const n = account.count;
  d[H_AMOUNT_MEAN] = (d[H_AMOUNT_MEAN] as number) + (amount - (d[H_AMOUNT_MEAN] as number)) / n;
  const logAmount = Math.log(amount);
  const delta = logAmount - (d[H_LOG_MEAN] as number);
  d[H_LOG_MEAN] = (d[H_LOG_MEAN] as number) + delta / n;
  d[H_LOG_M2] = (d[H_LOG_M2] as number) + delta * (logAmount - (d[H_LOG_MEAN] as number));
}

interface SharedEvent {
  c: FeatureContext;
  amount: number;
  party: number;
  extra: number;
  flags: number;
}

/** Records the payment on a shared entity (`which` absent: this transaction has none) and keeps what it looked like before. */
function record(into: Recorded, which: [Kind, string] | undefined, event: SharedEvent, limits: StateLimits): void {
  if (!which) {
    into.entity = undefined;
    return;
  }
  const { c } = event;
  const entity = c.store.get(which[0], which[1], c.eventTime);
  into.entity = entity;
  into.before = entity.count;
  into.firstSeen = entity.count === 0 ? c.eventTime : entity.firstSeen;
  into.lastSeen = entity.lastSeen;
  if (!c.store.applies(entity)) return;
  const newParty = !setHas(entity.s, SetTag.PARTY, event.party) ? Flag.NEW_PARTY : 0;
  entity.record(c.eventTime, event.amount, event.party, event.flags | newParty, event.extra);
  setTouch(entity, SetTag.PARTY, event.party, c.eventTime, limits.setCapacity[SetTag.PARTY] as number);
  c.store.changed(entity);
}
