/**
 * A Map that forgets its oldest entries past `capacity`: everything the page keeps is
 * bounded. Eviction follows its own queue: after many deletes `map.keys().next()` walks
 * every deleted slot first, which costs microseconds per eviction at this size.
 */
export class BoundedMap<K, V> {
  readonly #items = new Map<K, { value: V; generation: number }>();
  readonly #capacity: number;
  #queue: Array<{ key: K; generation: number }> = [];
  #head = 0;
  #generation = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: K): V | undefined {
    return this.#items.get(key)?.value;
  }

  set(key: K, value: V): void {
    const generation = ++this.#generation;
    this.#items.delete(key);
    this.#items.set(key, { value, generation });
    this.#queue.push({ key, generation });
    while (this.#items.size > this.#capacity && this.#head < this.#queue.length) {
      const oldest = this.#queue[this.#head++];
      if (oldest && this.#items.get(oldest.key)?.generation === oldest.generation) this.#items.delete(oldest.key);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  clear(): void {
    this.#items.clear();
    this.#queue = [];
    this.#head = 0;
  }
}
