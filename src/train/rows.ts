/** Feature vectors collected for one period, with what evaluation needs of each transaction. */
export class CollectedRows {
  readonly width: number;
  #data: Float64Array;
  readonly ids: string[] = [];
  readonly cards: string[] = [];
  readonly eventTimes: number[] = [];

  constructor(width: number, capacity = 1024) {
    this.width = width;
    this.#data = new Float64Array(width * capacity);
  }

  get count(): number {
    return this.ids.length;
  }

  /** The slot the next row is written to: grows the buffer when full. */
  next(id: string, card: string, eventTime: number): { data: Float64Array; offset: number } {
    const offset = this.ids.length * this.width;
    if (offset + this.width > this.#data.length) {
      const grown = new Float64Array(Math.max(this.#data.length * 2, offset + this.width));
      grown.set(this.#data);
      this.#data = grown;
    }
    this.ids.push(id);
    this.cards.push(card);
    this.eventTimes.push(eventTime);
    return { data: this.#data, offset };
  }

  /** The rows as one matrix (a view of the buffer, no copy). */
  matrix(): { data: Float64Array; rows: number; columns: number } {
    return { data: this.#data.subarray(0, this.count * this.width), rows: this.count, columns: this.width };
  }
}

/** UTC date (YYYY-MM-DD) of an epoch-milliseconds time. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
