import { newFeatureView, observe } from '../detector/features/extract.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { DEFAULT_LIMITS } from '../detector/state/limits.ts';
import { EntityStore } from '../detector/state/store.ts';
import type { Transaction } from '../domain/transaction.ts';
import { z } from 'zod';

/** What the child process reports; checked when read back, as any input crossing a process. */
export const StateMemorySchema = z.object({
  accounts: z.number().int().positive(),
  keys: z.number().int().nonnegative(),
  heapBefore: z.number(),
  heapAfter: z.number(),
  rssBefore: z.number(),
  rssAfter: z.number(),
  observeMs: z.number().positive(),
});

export type StateMemory = z.infer<typeof StateMemorySchema>;

const MERCHANTS = 2000;
/** Event times one millisecond apart, all within the last day: nothing is idle long enough to be dropped. */
const START_MS = Date.UTC(2026, 0, 1);

/** `full`: each account pays with its own card, device and ip; `account-only`: with none of them. */
export type MemoryVariant = 'full' | 'account-only';

/**
 * Feeds one payment from each of `accounts` distinct accounts at one of 2,000 merchants
 * through observe() into one partition's state, and measures the heap it holds after full
 * collections. In the full variant, per account means everything an active account brings
 * into the state (its card, device and ip keys too); account-only isolates its own entry.
 */
export function measureStateMemory(accounts: number, gc: () => void, variant: MemoryVariant = 'full'): StateMemory {
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  const store = new EntityStore({ limits: DEFAULT_LIMITS, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY });
  const view = newFeatureView();
  const options = { store, settings: ruleset.features, channels: ruleset.channels, limits: DEFAULT_LIMITS };
  collect(gc);
  const before = process.memoryUsage();
  const started = performance.now();
  for (let i = 0; i < accounts; i++) observe(view, transactionOf(i, variant), START_MS + i, options);
  const observeMs = performance.now() - started;
  collect(gc);
  const after = process.memoryUsage();
  return {
    accounts,
    keys: store.size, // read after the measurement: the state must still be alive during it
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    rssBefore: before.rss,
    rssAfter: after.rss,
    observeMs,
  };
}

function collect(gc: () => void): void {
  // Twice: the first pass may only queue finalizers and weak references for the second.
  gc();
  gc();
}

function transactionOf(i: number, variant: MemoryVariant): Transaction {
  const inPerson = i % 3 !== 0;
  const base: Transaction = {
    id: `tx-${i}`,
    source: `acct-${String(i).padStart(8, '0')}`,
    target: `merchant-${i % MERCHANTS}`,
    amount: 5 + (i % 500) + 0.99,
    currency: 'EUR',
    channel: inPerson ? 'card-present' : 'ecommerce',
    merchant: `Merchant ${i % MERCHANTS}`,
    mcc: 5411 + (i % 20),
    country: 'DE',
    lat: 52.52 + (i % 100) / 1000,
    lon: 13.4 + (i % 100) / 1000,
  };
  if (variant === 'account-only') return base;
  return { ...base, card: `card-${i}`, device: `device-${i}`, ip: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}` };
}
