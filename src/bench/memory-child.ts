/**
 * Entry of the memory stage's child process (`node --expose-gc --import tsx memory-child.ts N [variant]`):
 * a fresh heap with nothing of the bench in it, so what grows is the detector's state.
 * Prints one line of JSON (a StateMemory) on stdout.
 */
import { measureStateMemory } from './memory-probe.ts';

const accounts = Number(process.argv[2]);
const variant = process.argv[3] ?? 'full';
const gc = (globalThis as { gc?: () => void }).gc;
if (!Number.isInteger(accounts) || accounts < 1 || gc === undefined || (variant !== 'full' && variant !== 'account-only')) {
  process.stderr.write('usage: node --expose-gc --import tsx memory-child.ts ACCOUNTS [full|account-only]\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${JSON.stringify(measureStateMemory(accounts, gc, variant))}\n`);
}
