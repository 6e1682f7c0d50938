import type { FeatureView } from '../features/extract.ts';
import { AccountState, KeyState } from './key-states.ts';
import { LONGEST_WINDOW_MS } from './windows.ts';

export interface StateLimits {
  /** Events kept per account (its windows count at most this many). */
  accountEvents: number;
  /** Events kept per device, ip or payee. */
  keyEvents: number;
  /** Keys of one kind kept per partition; past it the least recently seen go first. */
  maxKeys: number;
  /** A key not seen for this long (event time) is dropped: its windows are empty anyway. */
  idleMs: number;
}

export const DEFAULT_LIMITS: StateLimits = {
  accountEvents: 64,
  keyEvents: 32,
  maxKeys: 2_000_000,
  idleMs: LONGEST_WINDOW_MS,
};

/**
 * The states of one kind of key. Idle keys are found by a periodic sweep rather than by
 * keeping the map in order of use: moving a key to the end on every payment (delete and
 * set) costs more than all the rest of its bookkeeping.
 */
class RecentMap<S extends KeyState> {
  readonly #map = new Map<string, S>();
  readonly #create: () => S;

  constructor(create: () => S) {
    this.#create = create;
  }

  touch(key: string): S {
    let state = this.#map.get(key);
    if (!state) {
      state = this.#create();
      this.#map.set(key, state);
    }
    return state;
  }

  peek(key: string): S | undefined {
    return this.#map.get(key);
  }

  get size(): number {
    return this.#map.size;
  }

  /**
   * Drops the keys idle since `olderThan`; then, if still over `maxKeys`, the oldest
   * inserted ones (first in, first out: cheap, and a key seen again is simply relearnt).
   */
  evict(olderThan: number, maxKeys: number): number {
    const before = this.#map.size;
    for (const [key, state] of this.#map) if (state.lastSeen < olderThan) this.#map.delete(key);
    for (const key of this.#map.keys()) {
      if (this.#map.size <= maxKeys) break;
      this.#map.delete(key);
    }
    return before - this.#map.size;
  }
}

/**
 * Everything the detector remembers about the keys of one input partition. State lives
 * per partition, so when a partition moves to another detector its state is dropped
 * here and rebuilt there, and decisions do not depend on how partitions are spread.
 */
export class PartitionState {
  readonly accounts: RecentMap<AccountState>;
  readonly devices: RecentMap<KeyState>;
  readonly ips: RecentMap<KeyState>;
  readonly payees: RecentMap<KeyState>;
  /** Newest event time seen: the partition's clock for eviction. */
  watermark = Number.NEGATIVE_INFINITY;
  /** The features object of this partition's current transaction, reused (see features/extract.ts). */
  view: FeatureView | undefined;
  #sinceSweep = 0;
  readonly #limits: StateLimits;

  constructor(limits: StateLimits = DEFAULT_LIMITS) {
    this.#limits = limits;
    this.accounts = new RecentMap(() => new AccountState(limits.accountEvents));
    this.devices = new RecentMap(() => new KeyState(limits.keyEvents));
    this.ips = new RecentMap(() => new KeyState(limits.keyEvents));
    this.payees = new RecentMap(() => new KeyState(limits.keyEvents));
  }

  advance(eventTime: number): void {
    if (eventTime > this.watermark) this.watermark = eventTime;
    // A sweep walks every key, so it runs after as many payments as there are keys (at
    // least 64k): its cost per payment stays constant whatever the state's size.
    if (++this.#sinceSweep >= Math.max(65_536, this.keyCount())) {
      this.#sinceSweep = 0;
      this.sweep();
    }
  }

  /** Drops keys idle past the longest window, and the least recent ones past the key limit. */
  sweep(): number {
    const olderThan = this.watermark - this.#limits.idleMs;
    let evicted = 0;
    for (const map of [this.accounts, this.devices, this.ips, this.payees]) {
      evicted += map.evict(olderThan, this.#limits.maxKeys);
    }
    return evicted;
  }

  keyCount(): number {
    return this.accounts.size + this.devices.size + this.ips.size + this.payees.size;
  }
}

export type { RecentMap };
