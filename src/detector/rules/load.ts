import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { FraudError } from '../../errors.ts';
import { compileRuleset, type Ruleset } from './ruleset.ts';

/** The ruleset shipped with the package, used when none is given. */
export const DEFAULT_RULES_FILE = fileURLToPath(new URL('../../../rules/default.yaml', import.meta.url));

export function loadRulesetFile(path: string): Ruleset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FraudError('FRAUD_RULES_INVALID', `cannot read the ruleset ${path}`, { cause });
  }
  return parseRulesetText(text, path);
}

/** YAML is a superset of JSON, so one parser reads both formats. */
export function parseRulesetText(text: string, origin: string): Ruleset {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (cause) {
    throw new FraudError('FRAUD_RULES_INVALID', `${origin} is not valid YAML or JSON`, {
      cause,
      problems: [cause instanceof Error ? cause.message : String(cause)],
    });
  }
  return compileRuleset(parsed);
}
