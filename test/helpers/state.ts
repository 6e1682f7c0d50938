import { newFeatureView, observe, type FeatureView } from '../../src/detector/features/extract.ts';
import type { Features } from '../../src/detector/features/types.ts';
import type { InputItem } from '../../src/detector/input/merged-input.ts';
import { itemsOf } from '../../src/detector/input/items.ts';
import { compileRuleset, type CompiledLists, type Ruleset } from '../../src/detector/rules/ruleset.ts';
import { DEFAULT_LIMITS, StateLimitsSchema, type StateLimits } from '../../src/detector/state/limits.ts';
import { EntityStore } from '../../src/detector/state/store.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import type { LogRecord } from '../../src/log/types.ts';
import { aTransaction } from './builders.ts';

const DEFAULT_RULESET = compileRuleset({ rules: [] });

/** A state in memory and the feature view over it, as one detector has them. */
export interface TestState {
  store: EntityStore;
  view: FeatureView;
  limits: StateLimits;
  ruleset: Ruleset;
}

export function newState(options: { limits?: Partial<StateLimits>; ruleset?: Ruleset } = {}): TestState {
  const limits = StateLimitsSchema.parse({ ...DEFAULT_LIMITS, ...options.limits });
  return {
    store: new EntityStore({ limits, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY }),
    view: newFeatureView(),
    limits,
    ruleset: options.ruleset ?? DEFAULT_RULESET,
  };
}

/** Observes one transaction at an event time and returns its features (valid until the next). */
export function observeOne(state: TestState, tx: Transaction, eventTime: number, lists?: CompiledLists): Features {
  const { store, view, limits, ruleset } = state;
  return observe(view, tx, eventTime, { store, limits, settings: ruleset.features, channels: ruleset.channels, lists: lists ?? ruleset.lists });
}

/** Feeds transactions at offsets from `t0` (a fake event clock) and returns the last features. */
export function feedAt(state: TestState, t0: number, events: Array<[number, Partial<Transaction>]>): Features {
  let last: Features | undefined;
  for (const [offset, fields] of events) last = observeOne(state, aTransaction(fields), t0 + offset);
  if (!last) throw new Error('feed needs at least one event');
  return last;
}

/** Records as items to decide, as the merged input hands them out. */
export function toItems(records: LogRecord[], maxRecordBytes = 4096): InputItem[] {
  return itemsOf(records, maxRecordBytes);
}
