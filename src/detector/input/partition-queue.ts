import type { InputItem } from './merged-input.ts';

/**
 * The records of one input partition fetched but not yet handed out by the merge, in
 * offset order, and where the merge stands in it.
 */
export class PartitionQueue {
  readonly partition: number;
  /** A partition of the labels topic: at equal times its records come first (known by then). */
  readonly labels: boolean;
  #items: InputItem[] = [];
  #head = 0;
  /** Next offset the merge hands out (every record before it is handed out). */
  #position = 0;
  /** Next offset to accept from a consumer: past the last one queued. */
  #expected = 0;
  /** Event time of the last record queued (-Infinity after a reset): the place of a record that has none. */
  #lastEventTime = Number.NEGATIVE_INFINITY;

  constructor(partition: number, labels = false) {
    this.partition = partition;
    this.labels = labels;
  }

  get position(): number {
    return this.#position;
  }

  get expected(): number {
    return this.#expected;
  }

  get lastEventTime(): number {
    return this.#lastEventTime;
  }

  get empty(): boolean {
    return this.#head >= this.#items.length;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  reset(position: number): void {
    this.#items = [];
    this.#head = 0;
    this.#position = position;
    this.#expected = position;
    this.#lastEventTime = Number.NEGATIVE_INFINITY;
  }

  /** Queues a record; one before the expected offset (fetched before a seek) is ignored. Offsets may skip (transaction markers, compaction). */
  push(item: InputItem): boolean {
    if (item.record.offset < this.#expected) return false;
    this.#items.push(item);
    this.#expected = item.record.offset + 1;
    this.#lastEventTime = item.eventTime;
    return true;
  }

  shift(): InputItem {
    const item = this.#items[this.#head++] as InputItem;
    this.#position = item.record.offset + 1;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 4096) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Whether this queue's next record comes before the other's in the merged order. */
  headBefore(other: PartitionQueue): boolean {
    const a = this.#items[this.#head] as InputItem;
    const b = other.#items[other.#head] as InputItem;
    if (a.eventTime !== b.eventTime) return a.eventTime < b.eventTime;
    if (this.labels !== other.labels) return this.labels;
    // Equal times: the transaction id decides, so the order does not depend on the partitioning.
    const idA = a.parsed.ok && typeof a.parsed.transaction.id === 'string' ? a.parsed.transaction.id : '';
    const idB = b.parsed.ok && typeof b.parsed.transaction.id === 'string' ? b.parsed.transaction.id : '';
    if (idA !== idB) return idA < idB;
    if (a.label?.ok && b.label?.ok && a.label.label.id !== b.label.label.id) return a.label.label.id < b.label.label.id;
    return this.partition < other.partition;
  }
}
