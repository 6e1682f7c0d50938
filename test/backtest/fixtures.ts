import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES_FILE } from '../../src/detector/rules/load.ts';

/** The shipped ruleset's text with one change made to it, and a version of its own. */
export function aChangedRuleset(dir: string, name: string, change: { from: string; to: string }): string {
  const text = readFileSync(DEFAULT_RULES_FILE, 'utf8');
  if (!text.includes(change.from)) throw new Error(`the shipped ruleset has no "${change.from}"`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text.replace(change.from, change.to).replace(/^version: .*$/m, `version: ${name}`));
  return file;
}

/** The velocity rule of the shipped ruleset fires from 6 payments in a minute; the candidate from 3. */
export const VELOCITY_3 = { from: 'f.source.count_1m >= 6', to: 'f.source.count_1m >= 3' };
