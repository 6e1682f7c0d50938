import { Kind } from './kinds.ts';
import { DAY_MS, HOUR_MS, LONGEST_WINDOW_MS } from './limits.ts';

/**
 * Fields of one event in a ring: when, how much, the counterparty's hash (payee of an
 * account, account of a device, merchant of a card…), flags, and a second hash (the card
 * of an account's payment, the account of a card's).
 */
export const F_TIME = 0;
export const F_AMOUNT = 1;
export const F_PARTY = 2;
export const F_FLAGS = 3;
export const F_EXTRA = 4;
export const FIELDS = 5;

/** Bits of an event's flags. */
export const Flag = {
  TRANSFER: 1,
  /** The counterparty was new to the entity when the event happened. */
  NEW_PARTY: 2,
  ONLINE: 4,
  /** At least three times the account's mean amount before it: a big payment for this payer. */
  BIG: 8,
} as const;

/** Header slots every entity has. */
export const H_FIRST_SEEN = 0;
export const H_LAST_SEEN = 1;
export const H_COUNT = 2;
const SHARED_HEADER = 3;
/** An account's profile, after the common slots. */
export const H_AMOUNT_MEAN = 3;
export const H_LOG_MEAN = 4;
export const H_LOG_M2 = 5;
export const H_NEW_DEVICE_AT = 6;
export const H_NEW_COUNTRY_AT = 7;
export const H_GEO_LAT = 8;
export const H_GEO_LON = 9;
export const H_GEO_AT = 10;
const ACCOUNT_HEADER = 11;

/** Hourly buckets cover a day and the hour in progress; daily ones the longest window and today. */
export const HOUR_SLOTS = 25;
export const DAY_SLOTS = 41;
/** Per bucket: which hour or day it holds (its index since the epoch), then count, sum, min, max. */
export const B_INDEX = 0;
export const B_COUNT = 1;
export const B_SUM = 2;
export const B_MIN = 3;
export const B_MAX = 4;
export const BUCKET_FIELDS = 5;
export const DAY_BASE = HOUR_SLOTS * BUCKET_FIELDS;

const EMPTY: number[] = [];

/**
 * Labels of an entity: counts first, then per label (transaction time, known at, fraud
 * 1|0, the other party's hash: the card at a merchant, the merchant of a card), the newest kept.
 */
export const L_FRAUDS = 0;
export const L_LEGIT = 1;
export const L_LAST_FRAUD_AT = 2;
export const L_HEADER = 3;
export const L_STRIDE = 4;
export const L_TX_TIME = 0;
export const L_KNOWN_AT = 1;
export const L_FRAUD = 2;
export const L_PARTY = 3;
/** Labels kept per entity; past it the oldest known goes (counts over windows then stop at this many). */
export const LABELS_KEPT = 64;

export function headerSlots(kind: Kind): number {
  return kind === Kind.ACCOUNT ? ACCOUNT_HEADER : SHARED_HEADER;
}

/**
 * What the detector remembers about one account, card, merchant, payee, device or ip.
 * Numbers live in plain arrays of doubles, which V8 keeps unboxed (a double field of an
 * object is a box of its own, reallocated or indirected on every write), and an entity
 * is four arrays at most whatever its history:
 * - `d`: the header (first and last seen, events ever, an account's habits and last place);
 * - `r`: the most recent events, a ring that starts with room for one and doubles up to
 *   the kind's cap, so a quiet entity costs a few dozen bytes;
 * - `s`: first-seen sets (several, tagged), each entry (tag, hash, last used);
 * - `b`: hourly and daily buckets, created only when the ring overflows with events the
 *   30-day windows still need (a merchant, a busy account).
 */
export class Entity {
  readonly kind: Kind;
  /** The input partition whose owner writes this entity's changelog records. */
  readonly home: number;
  d: number[];
  r: number[];
  s: number[] = EMPTY;
  b: number[] | undefined = undefined;
  /** Labels of its transactions, created with the first (most entities never get one). */
  l: number[] | undefined = undefined;
  /** Ring: index of the next slot to write, events held, slots allocated, slots allowed. */
  head = 0;
  size = 0;
  capacity: number;
  readonly maxEvents: number;
  /** Its key in the store (kind prefix and key), set when the store admits it. */
  key = '';
  /** The store's estimate of its heap. */
  bytes = 0;
  /** Changed since the last checkpoint (so it is written then, and kept in memory until). */
  dirty = false;
  /** The store's checkpoint version at its last change. */
  changedIn = 0;
  /** Read or written since the cache's last sweep (the clock bit of its eviction). */
  used = true;

  constructor(kind: Kind, home: number, maxEvents: number) {
    this.kind = kind;
    this.home = home;
    this.maxEvents = maxEvents;
    this.capacity = 1;
    // Filled with NaN, a double, so the arrays are double arrays from the start.
    this.d = new Array<number>(headerSlots(kind)).fill(Number.NaN);
    this.d[H_COUNT] = 0;
    if (kind === Kind.ACCOUNT) {
      this.d[H_AMOUNT_MEAN] = 0;
      this.d[H_LOG_MEAN] = 0;
      this.d[H_LOG_M2] = 0;
    }
    this.r = new Array<number>(FIELDS).fill(Number.NaN);
  }

  get count(): number {
    return this.d[H_COUNT] as number;
  }

  get firstSeen(): number {
    return this.d[H_FIRST_SEEN] as number;
  }

  /** Time of the newest event; -Infinity before the first. */
  get lastSeen(): number {
    return this.count === 0 ? Number.NEGATIVE_INFINITY : (this.d[H_LAST_SEEN] as number);
  }

  /** Field of the i-th newest event of the ring (0 = newest). */
  event(i: number, field: number): number {
    let index = this.head - 1 - i;
    if (index < 0) index += this.capacity;
    return this.r[index * FIELDS + field] as number;
  }

  /** Whether the ring holds every event of the last `windowMs` before `now` (none was folded away). */
  ringCovers(now: number, windowMs: number): boolean {
    // Events leave the ring only once it is full at its cap, and then only its oldest.
    return this.size < this.maxEvents || now - this.event(this.size - 1, F_TIME) > windowMs;
  }

  /** Adds an event: to the ring, the oldest one pushed out into the buckets if the windows still need it. */
  record(time: number, amount: number, party: number, flags: number, extra: number): void {
    if (this.size === this.capacity) {
      if (this.capacity < this.maxEvents) this.#grow();
      else this.#foldOldest(time);
    }
    const base = this.head * FIELDS;
    const r = this.r;
    r[base + F_TIME] = time;
    r[base + F_AMOUNT] = amount;
    r[base + F_PARTY] = party;
    r[base + F_FLAGS] = flags;
    r[base + F_EXTRA] = extra;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.size < this.capacity) this.size++;
    const d = this.d;
    if (this.count === 0) d[H_FIRST_SEEN] = time;
    // The ring is in arrival order; for one entity that is event order up to small skews.
    if (this.count === 0 || time > (d[H_LAST_SEEN] as number)) d[H_LAST_SEEN] = time;
    d[H_COUNT] = (d[H_COUNT] as number) + 1;
  }

  /** A label of one of its transactions became known (labels come in order of knownAt). */
  label(txTime: number, knownAt: number, fraud: boolean, party: number): void {
    let l = this.l;
    if (!l) l = this.l = [0, 0, Number.NaN];
    if (fraud) {
      l[L_FRAUDS] = (l[L_FRAUDS] as number) + 1;
      l[L_LAST_FRAUD_AT] = knownAt;
    } else {
      l[L_LEGIT] = (l[L_LEGIT] as number) + 1;
    }
    if ((l.length - L_HEADER) / L_STRIDE >= LABELS_KEPT) l.splice(L_HEADER, L_STRIDE);
    l.push(txTime, knownAt, fraud ? 1 : 0, party);
  }

  /** Restores the ring from events oldest first (the codec's order). */
  loadEvents(events: ArrayLike<number>, count: number, capacity: number): void {
    this.capacity = Math.max(1, capacity);
    this.r = new Array<number>(this.capacity * FIELDS).fill(Number.NaN);
    for (let i = 0; i < count * FIELDS; i++) this.r[i] = events[i] as number;
    this.size = count;
    this.head = count % this.capacity;
  }

  #grow(): void {
    const capacity = Math.min(this.maxEvents, this.capacity * 2);
    const next = new Array<number>(capacity * FIELDS).fill(Number.NaN);
    // Oldest first from slot 0, so the ring continues at slot `size`.
    for (let i = this.size - 1, slot = 0; i >= 0; i--, slot++) {
      for (let field = 0; field < FIELDS; field++) next[slot * FIELDS + field] = this.event(i, field);
    }
    this.r = next;
    this.capacity = capacity;
    this.head = this.size % capacity;
  }

  /** The ring is full: its oldest event leaves it, into the buckets unless it is past every window. */
  #foldOldest(now: number): void {
    const time = this.event(this.size - 1, F_TIME);
    if (now - time > LONGEST_WINDOW_MS) return;
    const amount = this.event(this.size - 1, F_AMOUNT);
    const b = (this.b ??= newBuckets());
    addToBucket(b, bucketSlot(Math.floor(time / HOUR_MS), HOUR_SLOTS, 0), Math.floor(time / HOUR_MS), amount);
    addToBucket(b, bucketSlot(Math.floor(time / DAY_MS), DAY_SLOTS, DAY_BASE), Math.floor(time / DAY_MS), amount);
  }
}

export function newBuckets(): number[] {
  const b = new Array<number>((HOUR_SLOTS + DAY_SLOTS) * BUCKET_FIELDS).fill(0);
  for (let slot = 0; slot < HOUR_SLOTS + DAY_SLOTS; slot++) b[slot * BUCKET_FIELDS + B_INDEX] = -1;
  return b;
}

export function bucketSlot(index: number, slots: number, base: number): number {
  return base + (index % slots) * BUCKET_FIELDS;
}

function addToBucket(b: number[], at: number, index: number, amount: number): void {
  if (b[at + B_INDEX] !== index) {
    b[at + B_INDEX] = index;
    b[at + B_COUNT] = 0;
    b[at + B_SUM] = 0;
    b[at + B_MIN] = amount;
    b[at + B_MAX] = amount;
  }
  b[at + B_COUNT] = (b[at + B_COUNT] as number) + 1;
  b[at + B_SUM] = (b[at + B_SUM] as number) + amount;
  if (amount < (b[at + B_MIN] as number)) b[at + B_MIN] = amount;
  if (amount > (b[at + B_MAX] as number)) b[at + B_MAX] = amount;
}
