/**
 * Entry of the state stage's child process (`node --expose-gc --import tsx state-child.ts JSON`):
 * a fresh heap holding nothing of the bench. Prints one line of JSON (a StateScale) on stdout.
 */
import { buildState, type StateProbeOptions } from './state-probe.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const input = process.argv[2];
if (gc === undefined || input === undefined) {
  process.stderr.write('usage: node --expose-gc --import tsx state-child.ts OPTIONS_JSON\n');
  process.exitCode = 2;
} else {
  const options = JSON.parse(input) as Omit<StateProbeOptions, 'gc'>;
  process.stdout.write(`${JSON.stringify(await buildState({ ...options, gc }))}\n`);
}
