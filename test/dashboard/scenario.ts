import type { DecidedTransaction, Reason } from '../../src/domain/decision.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import { compileRuleset, type Ruleset } from '../../src/detector/rules/ruleset.ts';
import { aDecision, type DetectorHeaders, type Pipeline } from './fixtures.ts';

/** A shadow rule added to the shipped ruleset, so the rules view has one of each mode. */
export const SHADOW_RULE = {
  id: 'night-large-transfer',
  description: 'Trial: a large transfer between midnight and five in the morning, local time.',
  when: 'tx.amount >= 2000.0',
  score: 40,
  reason: 'large transfer at night',
  shadow: true,
};

export function rulesetWithShadow(): Ruleset {
  const shipped = loadRulesetFile(DEFAULT_RULES_FILE).definition;
  return compileRuleset({ ...shipped, version: 'default-2+trial', rules: [...shipped.rules, SHADOW_RULE] });
}

export const VELOCITY: Reason = { rule: 'velocity-burst', detail: '7 payments from acct-00042 in 60 s, limit 5' };
export const LARGE: Reason = { rule: 'seed-large-amount', detail: 'amount 2450 EUR is at least 900' };
export const TRAVEL: Reason = { rule: 'impossible-travel', detail: '2480 km from the previous in-person payment in 1800 s (4960 km/h)' };

export interface Flagged {
  decision: DecidedTransaction;
  headers: DetectorHeaders;
}

/** A fraud decision with two reasons and the evidence the detector would attach. */
export function aFlaggedBurst(overrides: Partial<DecidedTransaction> = {}): Flagged {
  const decision = aDecision({ verdict: 'fraud', score: 95, reasons: [VELOCITY, LARGE], amount: 2450, merchant: 'Electro World', channel: 'online', country: 'NL', ...overrides });
  return {
    decision,
    headers: {
      evidence: { 'velocity-burst': { 'f.source.count_1m': 7, 'tx.source': decision.source }, 'seed-large-amount': { 'tx.amount': 2450 } },
      shadow: [SHADOW_RULE.id],
    },
  };
}

/** A review decision: impossible travel alone. */
export function aTravelReview(): Flagged {
  const decision = aDecision({ verdict: 'review', score: 85, reasons: [TRAVEL], amount: 120, merchant: 'Café Central', channel: 'pos', country: 'AT' });
  return { decision, headers: { evidence: { 'impossible-travel': { 'f.geo.speed_kmh': 4960.123456, 'f.geo.distance_km': 2480 } } } };
}

/** Some traffic, for the views to look like a working day rather than a test. */
export async function writeTraffic(pipeline: Pipeline, legit: number): Promise<void> {
  const merchants = ['Grocer & Sons', 'Metro Rail', 'Bookshop 21', 'Pharmacy Plus', 'Corner Bakery'];
  const decisions = Array.from({ length: legit }, (_, i) => aDecision({ merchant: merchants[i % merchants.length], amount: 5 + ((i * 37) % 180) }));
  await pipeline.write(...decisions);
}

export async function writeFlagged(pipeline: Pipeline, ...flagged: Flagged[]): Promise<void> {
  for (const item of flagged) await pipeline.writeWithHeaders(item.decision, item.headers);
}
