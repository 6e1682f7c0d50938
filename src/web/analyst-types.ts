import { isRecord, text } from './messages.ts';

/**
 * What the analyst views read: the `evidence` and `feedback` events and the /api/rules
 * and /api/feedback answers. Read defensively like the rest: a different server version
 * must give an empty view, not a broken page.
 */
export type Label = 'fraud' | 'legit';

export interface Evidence {
  id: string;
  /** Per rule that fired, the values its expression read. */
  rules: Record<string, Record<string, unknown>>;
  shadow: string[];
}

export interface Review {
  id: string;
  label: Label;
  analyst: string;
  at: string;
}

export interface Tally {
  confirmed: number;
  falsePositives: number;
  precision: number | null;
}

export interface RuleInfo {
  id: string;
  description: string;
  mode: 'live' | 'shadow' | '';
  score: number | undefined;
  hits: number;
  shadowHits: number;
  perMinute: number;
  share: number;
  lastHitAt: string;
  feedback: Tally;
}

export interface RulesInfo {
  decisions: number;
  versions: Array<{ version: string; decisions: number; lastSeen: string }>;
  ruleset: { version: string; review: number; fraud: number } | undefined;
  rules: RuleInfo[];
  precision: Tally;
}

export function toEvidence(raw: Record<string, unknown>): Evidence {
  const rules: Evidence['rules'] = {};
  if (isRecord(raw.evidence)) for (const [rule, values] of Object.entries(raw.evidence)) if (isRecord(values)) rules[rule] = values;
  return { id: text(raw.id), rules, shadow: strings(raw.shadow) };
}

export function toReview(raw: unknown): Review | undefined {
  if (!isRecord(raw) || (raw.label !== 'fraud' && raw.label !== 'legit') || typeof raw.id !== 'string') return undefined;
  return { id: raw.id, label: raw.label, analyst: text(raw.analyst), at: text(raw.at) };
}

export function toReviews(raw: unknown): Review[] {
  if (!isRecord(raw) || !Array.isArray(raw.reviews)) return [];
  return raw.reviews.map(toReview).filter((review): review is Review => review !== undefined);
}

export function toRulesInfo(raw: unknown): RulesInfo | undefined {
  if (!isRecord(raw) || !Array.isArray(raw.rules)) return undefined;
  const ruleset = isRecord(raw.ruleset) ? raw.ruleset : undefined;
  const thresholds = ruleset && isRecord(ruleset.thresholds) ? ruleset.thresholds : {};
  return {
    decisions: num(raw.decisions),
    versions: (Array.isArray(raw.versions) ? raw.versions : []).filter(isRecord).map((v) => ({ version: text(v.version), decisions: num(v.decisions), lastSeen: text(v.lastSeen) })),
    ruleset: ruleset ? { version: text(ruleset.version), review: num(thresholds.review), fraud: num(thresholds.fraud) } : undefined,
    rules: raw.rules.filter(isRecord).map(toRuleInfo),
    precision: toTally(raw.precision),
  };
}

function toRuleInfo(raw: Record<string, unknown>): RuleInfo {
  return {
    id: text(raw.id),
    description: text(raw.description),
    mode: raw.mode === 'live' || raw.mode === 'shadow' ? raw.mode : '',
    score: typeof raw.score === 'number' ? raw.score : undefined,
    hits: num(raw.hits),
    shadowHits: num(raw.shadowHits),
    perMinute: num(raw.perMinute),
    share: num(raw.share),
    lastHitAt: text(raw.lastHitAt),
    feedback: toTally(raw.feedback),
  };
}

function toTally(raw: unknown): Tally {
  if (!isRecord(raw)) return { confirmed: 0, falsePositives: 0, precision: null };
  return { confirmed: num(raw.confirmed), falsePositives: num(raw.falsePositives), precision: typeof raw.precision === 'number' ? raw.precision : null };
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
