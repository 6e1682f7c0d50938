import { fileURLToPath } from 'node:url';
import { FraudError } from '../errors.ts';
import { runProcess } from '../localkafka/exec.ts';
import type { StageContext } from './context.ts';
import { StateMemorySchema, type MemoryVariant, type StateMemory } from './memory-probe.ts';
import type { MemoryFigures } from './types.ts';

/** Built (dist/, .js) the child runs as is; from the sources (tests, .ts) it runs through tsx. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(FROM_SOURCE ? './memory-child.ts' : './memory-child.js', import.meta.url));
const MB = 1024 * 1024;

/**
 * Stage (f): the detector's memory per active account. A child process with --expose-gc
 * (a heap holding nothing of the bench) feeds one payment from each of N distinct accounts
 * through the feature path into one partition's state (see memory-probe.ts) and reports
 * its heap before and after; once with each account's own card, device and ip, once without.
 */
export async function runMemoryStage(context: StageContext): Promise<MemoryFigures> {
  const accounts = context.sizes.memoryAccounts;
  context.progress.begin('f detector memory', 2, 'runs');
  const full = await measureInChild(accounts, 'full');
  context.progress.update(1);
  const accountOnly = await measureInChild(accounts, 'account-only');
  const figures = { ...memoryFigures(full), accountOnlyHeapBytesPerAccount: memoryFigures(accountOnly).heapBytesPerAccount };
  context.progress.end(`${figures.heapBytesPerAccount} heap bytes per account (${figures.heapUsedMb} MB for ${figures.accounts} accounts), ${figures.accountOnlyHeapBytesPerAccount} for the account alone`);
  return figures;
}

async function measureInChild(accounts: number, variant: MemoryVariant): Promise<StateMemory> {
  const args = ['--expose-gc', ...(FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : []), CHILD, String(accounts), variant];
  const result = await runProcess(process.execPath, args, { env: process.env, timeoutMs: 10 * 60_000 });
  if (result.code !== 0) {
    throw new FraudError('FRAUD_INTERNAL', `the memory probe exited with ${String(result.code ?? result.signal)}`, { problems: result.stderr.trim().split('\n').slice(-5) });
  }
  return StateMemorySchema.parse(JSON.parse(result.stdout.trim()));
}

export function memoryFigures(measured: StateMemory): Omit<MemoryFigures, 'accountOnlyHeapBytesPerAccount'> {
  const heap = measured.heapAfter - measured.heapBefore;
  const rss = measured.rssAfter - measured.rssBefore;
  return {
    accounts: measured.accounts,
    keys: measured.keys,
    heapBytesPerAccount: Math.round(heap / measured.accounts),
    rssBytesPerAccount: Math.round(rss / measured.accounts),
    heapUsedMb: Math.round((heap / MB) * 10) / 10,
    rssMb: Math.round((rss / MB) * 10) / 10,
    observePerSec: Math.round((measured.accounts * 1000) / measured.observeMs),
  };
}
