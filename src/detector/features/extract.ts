import { distanceKm } from '../../domain/geo.ts';
import type { Transaction } from '../../domain/transaction.ts';
import type { CompiledLists } from '../rules/ruleset.ts';
import { hashString } from '../state/hash.ts';
import { Flag, type AccountState, type KeyState } from '../state/key-states.ts';
import type { PartitionState } from '../state/partition-state.ts';
import { round2 } from '../state/windows.ts';
import { NO_LISTS } from './lists.ts';
import type { FeatureSettings } from './settings.ts';
import type { Features } from './types.ts';
import { createFeatures, FeatureContext, G, H, type Recorded } from './view.ts';

/** Channels whose coordinates are where the payer stands, so travel speed means something. */
const IN_PERSON = new Set(['card-present', 'pos', 'atm', 'in-store']);

/** One partition's feature view: the context observe() fills and the `f` object reading it. */
export interface FeatureView {
  context: FeatureContext;
  features: Features;
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
 * Records a transaction in its partition's state and returns its features. History
 * features (new payee, amount habits, travel) are taken before the transaction is
 * recorded; window counts include it ("6 payments in 1 min" counts this one).
 *
 * The object returned is the partition's one feature view, reused for its next
 * transaction, whose fields are computed when a rule reads them: most rulesets read a
 * few of the ~150 features, and building them all for each transaction would cost more
 * than all the rest of deciding it. Read it, or copy what you need, before the
 * partition's next transaction is observed.
 */
export function observe(
  state: PartitionState,
  tx: Transaction,
  eventTime: number,
  settings: FeatureSettings,
  lists: CompiledLists = NO_LISTS,
): Features {
  state.advance(eventTime);
  const view = (state.view ??= newView());
  const c = view.context;
  const ids = idsOf(tx);
  const account = state.accounts.touch(tx.source);
  c.stamp++;
  c.state = state;
  c.tx = tx;
  c.account = account;
  c.eventTime = eventTime;
  c.settings = settings;
  c.lists = lists;
  c.cardHash = ids.card;
  takeHistory(c, account, tx, ids);
  takeGeo(c, account, tx, settings);
  recordAccount(c, account, tx, ids);
  c.payee.key = c.device.key = c.ip.key = undefined;
  if (tx.channel === 'transfer') recordShared(c.payee, state.payees.touch(tx.target), tx.amount, ids.source, eventTime);
  if (typeof tx.device === 'string') recordShared(c.device, state.devices.touch(tx.device), tx.amount, ids.source, eventTime);
  if (typeof tx.ip === 'string') recordShared(c.ip, state.ips.touch(tx.ip), tx.amount, ids.source, eventTime);
  return view.features;
}

function newView(): FeatureView {
  const context = new FeatureContext();
  return { context, features: createFeatures(context) };
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
function takeHistory(c: FeatureContext, account: AccountState, tx: Transaction, ids: Ids): void {
  const n = account.history;
  const known = n > 0;
  const h = c.history;
  h[H.COUNT] = n;
  h[H.AGE_S] = known ? Math.round((c.eventTime - account.firstSeen) / 1000) : 0;
  h[H.MEAN] = round2(account.amountMean);
  h[H.RATIO] = known ? round2(tx.amount / account.amountMean) : 0;
  h[H.RATIO_GEO] = known ? round2(tx.amount / Math.exp(account.logMean)) : 0;
  // A floor on the spread keeps a customer who always pays the same from scoring huge z for a small change.
  h[H.Z] = n < 3 ? 0 : round2((Math.log(tx.amount) - account.logMean) / Math.max(account.logStd(), 0.25));
  c.newPayee = known && !account.knowsPayee(ids.target);
  c.newDevice = known && ids.device !== undefined && !account.knows('device', ids.device);
  c.newCountry = known && ids.country !== undefined && !account.knows('country', ids.country);
  c.newIp = known && ids.ip !== undefined && !account.knows('ip', ids.ip);
  c.newCategory = known && ids.category !== undefined && !account.knows('category', ids.category);
}

/** Distance and speed since the account's previous in-person payment. */
function takeGeo(c: FeatureContext, account: AccountState, tx: Transaction, settings: FeatureSettings): void {
  c.hasPrevious = false;
  c.geo.fill(0);
  const located = typeof tx.lat === 'number' && typeof tx.lon === 'number' && (tx.channel == null || IN_PERSON.has(tx.channel));
  if (!located) return;
  const here = { lat: tx.lat as number, lon: tx.lon as number };
  const last = account.lastPlace;
  if (!Number.isNaN(last.at)) {
    const distance = distanceKm(last, here);
    const elapsedS = Math.max(0, (c.eventTime - last.at) / 1000);
    c.hasPrevious = true;
    c.geo[G.DISTANCE_KM] = Math.round(distance);
    c.geo[G.ELAPSED_S] = Math.round(elapsedS);
    // Below the noise distance there is no trip to measure; at zero elapsed time, count a second.
    c.geo[G.SPEED_KMH] = distance < settings.minTravelKm ? 0 : Math.round(distance / (Math.max(elapsedS, 1) / 3600));
  }
  account.setLastPlace(here.lat, here.lon, c.eventTime);
}

function recordAccount(c: FeatureContext, account: AccountState, tx: Transaction, ids: Ids): void {
  const transfer = tx.channel === 'transfer' ? Flag.TRANSFER : 0;
  const newPayee = c.newPayee || account.history === 0 ? Flag.NEW_PARTY : 0;
  const online = tx.channel === 'ecommerce' ? Flag.ONLINE : 0;
  account.record(c.eventTime, tx.amount, ids.target, transfer | newPayee | online, ids.card);
  account.learnAmount(tx.amount);
  account.learnPayee(ids.target);
  if (ids.device !== undefined) account.learn('device', ids.device);
  if (ids.country !== undefined) account.learn('country', ids.country);
  if (ids.ip !== undefined) account.learn('ip', ids.ip);
  if (ids.category !== undefined) account.learn('category', ids.category);
  if (c.newDevice) account.lastNewDeviceAt = c.eventTime;
  if (c.newCountry) account.lastNewCountryAt = c.eventTime;
}

function recordShared(into: Recorded, key: KeyState, amount: number, source: number, now: number): void {
  into.key = key;
  into.before = key.history;
  into.firstSeen = key.history === 0 ? now : key.firstSeen;
  key.record(now, amount, source);
}
