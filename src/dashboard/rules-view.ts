import type { Ruleset } from '../detector/rules/ruleset.ts';
import { tally, type Precision, type Tally } from './feedback-store.ts';
import type { RuleActivity, RuleActivitySnapshot, VersionSeen } from './rule-stats.ts';

export type RuleMode = 'live' | 'shadow';

/** One row of the rules view: what the rule is, how often it fires, and how often it is right. */
export interface RuleView extends Omit<RuleActivity, 'lastHitAt'> {
  /** From the ruleset the dashboard knows; null for a rule only seen in decisions. */
  description: string | null;
  /** From the ruleset when known, else guessed from how its hits arrived; null when neither tells. */
  mode: RuleMode | null;
  score: number | null;
  lastHitAt: string | null;
  feedback: Tally;
}

/** GET /api/rules. */
export interface RulesView {
  at: string;
  decisions: number;
  /** Ruleset versions seen in decisions, most recently seen first. */
  versions: VersionSeen[];
  /** The ruleset the dashboard knows (given, or followed from its file and the rules topic). */
  ruleset: { version: string; thresholds: { review: number; fraud: number } } | null;
  /** The known ruleset's rules in its order, then rules only seen in decisions or feedback. */
  rules: RuleView[];
  precision: Tally;
}

export interface RulesViewInput {
  now: number;
  activity: RuleActivitySnapshot;
  precision: Precision;
  ruleset: Ruleset | undefined;
}

const NO_FEEDBACK: Tally = tally({ confirmed: 0, falsePositives: 0 });

export function rulesView(input: RulesViewInput): RulesView {
  const { activity, precision, ruleset } = input;
  const seen = new Map(activity.rules.map((rule) => [rule.id, rule]));
  const known = ruleset?.rules ?? [];
  const knownIds = new Set(known.map((rule) => rule.id));
  const others = new Set([...seen.keys(), ...Object.keys(precision.rules)].filter((id) => !knownIds.has(id)));
  const rows: RuleView[] = [
    ...known.map((rule) => row(rule.id, seen.get(rule.id), precision, { description: rule.description, mode: rule.shadow ? 'shadow' : 'live', score: rule.score })),
    ...[...others].map((id) => row(id, seen.get(id), precision, undefined)).sort((a, b) => b.hits + b.shadowHits - (a.hits + a.shadowHits)),
  ];
  return {
    at: new Date(input.now).toISOString(),
    decisions: activity.decisions,
    versions: activity.versions,
    ruleset: ruleset ? { version: ruleset.version, thresholds: ruleset.thresholds } : null,
    rules: rows,
    precision: precision.overall,
  };
}

interface Known {
  description: string;
  mode: RuleMode;
  score: number;
}

function row(id: string, activity: RuleActivity | undefined, precision: Precision, known: Known | undefined): RuleView {
  const hits = activity?.hits ?? 0;
  const shadowHits = activity?.shadowHits ?? 0;
  return {
    id,
    description: known?.description ?? null,
    mode: known?.mode ?? guessMode(hits, shadowHits),
    score: known?.score ?? null,
    hits,
    shadowHits,
    perMinute: activity?.perMinute ?? 0,
    share: activity?.share ?? 0,
    lastHitAt: activity?.lastHitAt ?? null,
    feedback: precision.rules[id] ?? NO_FEEDBACK,
  };
}

function guessMode(hits: number, shadowHits: number): RuleMode | null {
  if (hits > 0) return 'live';
  return shadowHits > 0 ? 'shadow' : null;
}
