import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { newFeatureView, observe } from '../detector/features/extract.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { CODEC_VERSION } from '../detector/state/codec.ts';
import { DAY_MS, DEFAULT_LIMITS } from '../detector/state/limits.ts';
import { LocalStore } from '../detector/state/local-store.ts';
import { EntityStore } from '../detector/state/store.ts';
import type { Transaction } from '../domain/transaction.ts';

/** What the state probe reports; checked when read back, as any input crossing a process. */
export const StateScaleSchema = z.object({
  accounts: z.number().int().positive(),
  payments: z.number().int().positive(),
  entities: z.number().int().nonnegative(),
  inMemory: z.number().int().nonnegative(),
  heapUsedBytes: z.number(),
  rssBytes: z.number(),
  diskBytes: z.number(),
  buildMs: z.number().positive(),
  checkpoints: z.number().int().nonnegative(),
});
export type StateScale = z.infer<typeof StateScaleSchema>;

export interface StateProbeOptions {
  accounts: number;
  /** Payments per account, spread over the 90 days before `endTime`. */
  paymentsPerAccount: number;
  memoryMb: number;
  stateDir: string;
  group: string;
  topic: string;
  partitions: number;
  endTime: number;
  gc: () => void;
}

const MERCHANTS = 5000;
const HISTORY_MS = 90 * DAY_MS;

/**
 * Builds the state of `accounts` accounts with 90 days of history each (their own card,
 * device and ip, a few thousand merchants) through the detector's own feature path into
 * a local store under a memory budget, checkpointing as the detector does, then reports
 * heap, RSS and disk. The store is left as a detector finds it after a crash (its last
 * checkpoint stands at the start of `topic`), so a restart can be timed on it.
 */
export async function buildState(options: StateProbeOptions): Promise<StateScale> {
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  const local = LocalStore.open({ stateDir: options.stateDir, group: options.group, topic: options.topic, partitions: options.partitions });
  const store = new EntityStore({ limits: DEFAULT_LIMITS, partitions: options.partitions, local, memoryBytes: options.memoryMb * 1024 * 1024 });
  const view = newFeatureView();
  const observeOptions = { store, limits: DEFAULT_LIMITS, settings: ruleset.features, channels: ruleset.channels };
  const started = performance.now();
  const rounds = options.paymentsPerAccount;
  const step = HISTORY_MS / rounds;
  let checkpoints = 0;
  let seq = 0;
  const checkpoint = async (): Promise<void> => {
    const { version, entities } = store.flush();
    const cut = new Array<number>(options.partitions).fill(0);
    const meta = { format: CODEC_VERSION, topic: options.topic, partitions: options.partitions, cut, watermark: options.endTime, writer: false, seq: ++seq, savedAt: Date.now() };
    await local.checkpoint(entities.map((entity) => [entity.key, entity.value] as const), meta);
    store.saved(version);
    checkpoints++;
  };
  // Round by round (every account's j-th payment), so the stream runs forward in time as a real one does.
  for (let round = 0; round < rounds; round++) {
    const base = options.endTime - HISTORY_MS + round * step;
    for (let i = 0; i < options.accounts; i++) {
      observe(view, paymentOf(i, round), base + Math.floor((i / options.accounts) * step), observeOptions);
      if (store.dirtyCount >= 200_000) await checkpoint();
    }
  }
  await checkpoint();
  const buildMs = performance.now() - started;
  options.gc();
  options.gc();
  const memory = process.memoryUsage();
  const inMemory = store.size;
  let entities = 0;
  for (const _ of local.keys()) entities++;
  await local.close();
  return {
    accounts: options.accounts,
    payments: options.accounts * rounds,
    entities,
    inMemory,
    heapUsedBytes: memory.heapUsed,
    rssBytes: memory.rss,
    diskBytes: folderBytes(local.dir),
    buildMs,
    checkpoints,
  };
}

/** Account i's j-th payment: its own card, device and ip; mostly in person at one of its regular merchants. */
export function paymentOf(i: number, round: number): Transaction {
  const inPerson = (i + round) % 3 !== 0;
  return {
    id: `h-${i}-${round}`,
    source: `acct-${String(i).padStart(9, '0')}`,
    target: `M${String((i * 7 + (round % 5) * 131) % MERCHANTS).padStart(5, '0')}`,
    amount: 5 + ((i * 31 + round * 17) % 300) + 0.49,
    currency: 'EUR',
    channel: inPerson ? 'card-present' : 'ecommerce',
    mcc: String(5411 + ((i + round) % 20)),
    country: 'DE',
    lat: 52.52 + (i % 100) / 1000,
    lon: 13.4 + (i % 100) / 1000,
    card: `card-${i}`,
    device: `dev-${i}`,
    ip: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`,
  };
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stat = statSync(join(dir, name));
    if (stat.isFile()) total += stat.size;
  }
  return total;
}
