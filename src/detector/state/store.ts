import type { TopicPartition } from '../../log/types.ts';
import { DEFAULT_LIMITS, PartitionState, type StateLimits } from './partition-state.ts';

/**
 * The detector's state, one PartitionState per input partition it owns. Dropped when a
 * partition is revoked; created empty (then rebuilt by replay) when one is assigned.
 */
export class DetectorState {
  readonly #partitions = new Map<string, PartitionState>();
  readonly #limits: StateLimits;

  constructor(limits: Partial<StateLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  for(topic: string, partition: number): PartitionState {
    const slot = `${topic}\u0000${partition}`;
    let state = this.#partitions.get(slot);
    if (!state) {
      state = new PartitionState(this.#limits);
      this.#partitions.set(slot, state);
    }
    return state;
  }

  drop(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.#partitions.delete(`${tp.topic}\u0000${tp.partition}`);
  }

  keyCount(): number {
    let total = 0;
    for (const state of this.#partitions.values()) total += state.keyCount();
    return total;
  }
}
