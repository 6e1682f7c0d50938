/**
 * The last `capacity` items in time order, for connections that arrive later. History
 * read from several partitions comes interleaved, so an item is put in its place by
 * timestamp; live items nearly always belong at the end, where the search starts.
 */
export class RecentBuffer<T extends { timestamp: number }> {
  readonly #items: T[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(item: T): void {
    const items = this.#items;
    let index = items.length;
    while (index > 0 && (items[index - 1] as T).timestamp > item.timestamp) index--;
    if (index === 0 && items.length >= this.#capacity) return; // older than everything kept
    items.splice(index, 0, item);
    if (items.length > this.#capacity) items.shift();
  }

  /** Oldest first. */
  items(): readonly T[] {
    return this.#items;
  }

  get size(): number {
    return this.#items.length;
  }
}
