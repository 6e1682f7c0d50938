import { z } from 'zod';
import { FraudError } from '../../errors.ts';
import { isScenarioKind, NEEDS_HISTORY, SCENARIO_KINDS, TRANSACTIONS_PER_INCIDENT, type ScenarioKind } from './catalogue.ts';

/** Incidents of each kind per MIX_PER transactions of the stream. */
export type Mix = Record<ScenarioKind, number>;

export const MIX_PER = 10_000;

/**
 * Six of each per 10,000 transactions: fraud is about 2.5% of transactions (card
 * testing, bursts and mules are many transactions each) and a 40,000-transaction
 * evaluation has 21-23 incidents of every kind, enough to read a recall per scenario.
 */
export const DEFAULT_MIX: Readonly<Mix> = Object.fromEntries(SCENARIO_KINDS.map((kind) => [kind, 6])) as Mix;

export interface ResolvedMix {
  mix: Mix;
  /** Why a kind was left out, for the user to read. */
  notes: string[];
}

/** The default mix with the user's changes; the blocklist scenario is dropped when the ruleset blocks no account. */
export function resolveMix(changes: Partial<Mix>, blockedAccounts: readonly string[]): ResolvedMix {
  const mix: Mix = { ...DEFAULT_MIX, ...changes };
  const notes: string[] = [];
  if (mix.blocklist > 0 && blockedAccounts.length === 0) {
    mix.blocklist = 0;
    notes.push('blocklist scenario skipped: the ruleset blocks no account (lists.blocked.accounts is empty)');
  }
  return { mix, notes };
}

/**
 * Incident transactions per background transaction, at least: kinds that wait for a
 * customer with a history are left out (a short stream may have none), so a stream of
 * N transactions has at least N / (1 + share) background ones.
 */
export function leastIncidentShare(mix: Mix): number {
  return SCENARIO_KINDS.filter((kind) => !NEEDS_HISTORY.includes(kind)).reduce((sum, kind) => sum + (mix[kind] / MIX_PER) * TRANSACTIONS_PER_INCIDENT[kind], 0);
}

/** Parses `card-testing=8,payroll=0`: the kinds to change, per 10,000 transactions; throws FRAUD_USAGE listing every problem. */
export function parseMix(text: string): Partial<Mix> {
  const changes: Partial<Mix> = {};
  const problems: string[] = [];
  for (const part of text.split(',').map((item) => item.trim()).filter((item) => item.length > 0)) {
    const [name = '', value = ''] = part.split('=').map((item) => item.trim());
    const count = Number(value);
    if (!isScenarioKind(name)) problems.push(`unknown scenario "${name}" (one of ${SCENARIO_KINDS.join(', ')})`);
    else if (!/^\d+(\.\d+)?$/.test(value) || count > MIX_PER) problems.push(`${name} must be incidents per ${MIX_PER}, from 0 to ${MIX_PER}, got "${value}"`);
    else changes[name] = count;
  }
  if (problems.length > 0) throw new FraudError('FRAUD_USAGE', 'invalid scenario mix', { problems });
  return changes;
}

/** The `--mix` flag as a schema, so a command reports its problems with the other options'. */
export const MixFlag = z
  .string()
  .transform((text, context) => {
    try {
      return parseMix(text);
    } catch (error) {
      for (const problem of error instanceof FraudError ? error.problems : [String(error)]) context.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
  })
  .optional();
