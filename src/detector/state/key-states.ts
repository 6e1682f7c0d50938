import { knows, learn, Salt } from './known-set.ts';
import { ACCOUNT_FIELDS, EventRing, F_TIME, KEY_FIELDS } from './ring.ts';

/** Bits of an event's flags. */
export const Flag = {
  TRANSFER: 1,
  /** The counterparty was new for this key when the event happened. */
  NEW_PARTY: 2,
  ONLINE: 4,
} as const;

/** Header slots of a key's array (see EventRing): numbers that change on every payment. */
const FIRST_SEEN = 0;
const KEY_SLOTS = 1;

/** State of a device, ip or payee: its recent events and when it was first and last seen. */
export class KeyState extends EventRing {
  history = 0;

  /** Room for one event at first: most devices, ips and payees are seen once or twice. */
  constructor(maxEvents: number, headerSlots = KEY_SLOTS, fields = KEY_FIELDS, initialEvents = 1) {
    super(headerSlots, fields, maxEvents, initialEvents);
  }

  get firstSeen(): number {
    return this.data[FIRST_SEEN] as number;
  }

  /** Time of the newest event (what eviction looks at): the ring holds it already. */
  get lastSeen(): number {
    return this.size === 0 ? Number.NEGATIVE_INFINITY : this.get(0, F_TIME);
  }

  record(time: number, amount: number, party: number, flags = 0, extra = 0): void {
    this.push(time, amount, party, flags, extra);
    if (this.history === 0) this.data[FIRST_SEEN] = time;
    this.history++;
  }
}

const AMOUNT_MEAN = KEY_SLOTS;
const LOG_MEAN = KEY_SLOTS + 1;
const LOG_M2 = KEY_SLOTS + 2;
const NEW_DEVICE_AT = KEY_SLOTS + 3;
const NEW_COUNTRY_AT = KEY_SLOTS + 4;
const GEO_LAT = KEY_SLOTS + 5;
const GEO_LON = KEY_SLOTS + 6;
const GEO_AT = KEY_SLOTS + 7;
const ACCOUNT_SLOTS = KEY_SLOTS + 8;

const PAYEES_KEPT = 64;
const EMPTY: readonly number[] = Object.freeze([]);
const OTHERS_KEPT = 32;

export type KnownKind = keyof typeof Salt;

/**
 * An account's state: recent payments (with their card, so card features need no state
 * of their own for the usual one-account card), amount habits (Welford on log amounts: payment
 * amounts are log-normal, so spread is measured in ratios), the payees, devices,
 * countries, ips and categories it has used, and where it last paid in person.
 */
export class AccountState extends KeyState {
  payees: readonly number[] = EMPTY;
  others: readonly number[] = EMPTY;

  constructor(maxEvents: number) {
    super(maxEvents, ACCOUNT_SLOTS, ACCOUNT_FIELDS, 1);
    this.data[AMOUNT_MEAN] = 0;
    this.data[LOG_MEAN] = 0;
    this.data[LOG_M2] = 0;
  }

  knowsPayee(hash: number): boolean {
    return knows(this.payees, hash);
  }

  learnPayee(hash: number): void {
    this.payees = learn(this.payees, hash, PAYEES_KEPT);
  }

  knows(kind: KnownKind, hash: number): boolean {
    return knows(this.others, hash ^ Salt[kind]);
  }

  learn(kind: KnownKind, hash: number): void {
    this.others = learn(this.others, hash ^ Salt[kind], OTHERS_KEPT);
  }

  get amountMean(): number {
    return this.data[AMOUNT_MEAN] as number;
  }

  get logMean(): number {
    return this.data[LOG_MEAN] as number;
  }

  /** Called after record(), so history already counts this payment. */
  learnAmount(amount: number): void {
    const n = this.history;
    const data = this.data;
    data[AMOUNT_MEAN] = (data[AMOUNT_MEAN] as number) + (amount - (data[AMOUNT_MEAN] as number)) / n;
    const logAmount = Math.log(amount);
    const delta = logAmount - (data[LOG_MEAN] as number);
    data[LOG_MEAN] = (data[LOG_MEAN] as number) + delta / n;
    data[LOG_M2] = (data[LOG_M2] as number) + delta * (logAmount - (data[LOG_MEAN] as number));
  }

  logStd(): number {
    return this.history > 1 ? Math.sqrt((this.data[LOG_M2] as number) / (this.history - 1)) : 0;
  }

  /** When a never-seen device (or country) last appeared; -Infinity if never. */
  get lastNewDeviceAt(): number {
    return orNever(this.data[NEW_DEVICE_AT]);
  }

  set lastNewDeviceAt(time: number) {
    this.data[NEW_DEVICE_AT] = time;
  }

  get lastNewCountryAt(): number {
    return orNever(this.data[NEW_COUNTRY_AT]);
  }

  set lastNewCountryAt(time: number) {
    this.data[NEW_COUNTRY_AT] = time;
  }

  /** Where and when the account last paid in person; `at` is NaN if never. */
  get lastPlace(): { lat: number; lon: number; at: number } {
    return { lat: this.data[GEO_LAT] as number, lon: this.data[GEO_LON] as number, at: this.data[GEO_AT] as number };
  }

  setLastPlace(lat: number, lon: number, at: number): void {
    this.data[GEO_LAT] = lat;
    this.data[GEO_LON] = lon;
    this.data[GEO_AT] = at;
  }
}

function orNever(value: number | undefined): number {
  return value === undefined || Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
}
