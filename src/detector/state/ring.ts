/**
 * The recent events of one key, newest last, and a few numbers about the key, all in one
 * plain array of doubles: `headerSlots` numbers first, then `fields` numbers per event. V8
 * keeps such an array unboxed on the heap, where a double field of an object would be
 * boxed and reallocated on every write, and one array per key instead of several objects
 * keeps millions of keys cheap to hold and to collect. Events start with room for two and
 * double up to `maxEvents`, then the oldest is overwritten: a quiet key costs a few dozen
 * bytes, a busy one never more than the cap.
 */
/** Every ring stores time, amount and counterparty; an account's also flags and card. */
export const KEY_FIELDS = 3;
export const ACCOUNT_FIELDS = 5;
export const F_TIME = 0;
export const F_AMOUNT = 1;
/** The counterparty's hash (payee of an account, payer of a payee, account of a device). */
export const F_PARTY = 2;
export const F_FLAGS = 3;
/** A second hash: the card of an account's payment. */
export const F_EXTRA = 4;

export class EventRing {
  protected data: number[];
  readonly #header: number;
  readonly #fields: number;
  #capacity: number;
  #head = 0;
  #size = 0;
  readonly #maxEvents: number;

  constructor(headerSlots: number, fields: number, maxEvents: number, initialEvents = 2) {
    this.#header = headerSlots;
    this.#fields = fields;
    this.#capacity = Math.max(1, Math.min(initialEvents, maxEvents));
    // Filled with NaN, a double, so the array is a double array from the start.
    this.data = new Array<number>(headerSlots + this.#capacity * fields).fill(Number.NaN);
    this.#maxEvents = maxEvents;
  }

  get size(): number {
    return this.#size;
  }

  get capacity(): number {
    return this.#capacity;
  }

  push(time: number, amount: number, party: number, flags = 0, extra = 0): void {
    if (this.#size === this.#capacity && this.#capacity < this.#maxEvents) this.#grow();
    const base = this.#header + this.#head * this.#fields;
    const data = this.data;
    data[base + F_TIME] = time;
    data[base + F_AMOUNT] = amount;
    data[base + F_PARTY] = party;
    if (this.#fields > F_FLAGS) {
      data[base + F_FLAGS] = flags;
      data[base + F_EXTRA] = extra;
    }
    this.#head = this.#head + 1 === this.#capacity ? 0 : this.#head + 1;
    if (this.#size < this.#capacity) this.#size++;
  }

  /** Field `field` of the i-th newest event (0 = newest); flags and extra read 0 on a key's ring. */
  get(i: number, field: number): number {
    if (field >= this.#fields) return 0;
    let index = this.#head - 1 - i;
    if (index < 0) index += this.#capacity;
    return this.data[this.#header + index * this.#fields + field] as number;
  }

  #grow(): void {
    const capacity = Math.min(this.#maxEvents, this.#capacity * 2);
    const fields = this.#fields;
    const data = new Array<number>(this.#header + capacity * fields).fill(Number.NaN);
    for (let slot = 0; slot < this.#header; slot++) data[slot] = this.data[slot] as number;
    // Oldest first from the first event slot, so the ring continues at slot `size`.
    for (let i = this.#size - 1, slot = 0; i >= 0; i--, slot++) {
      for (let field = 0; field < fields; field++) data[this.#header + slot * fields + field] = this.get(i, field);
    }
    this.data = data;
    this.#capacity = capacity;
    this.#head = this.#size % capacity;
  }
}
