import { EVIDENCE_HEADER, SHADOW_HEADER } from '../detector/processor.ts';
import type { DecisionFacts } from './types.ts';

/** Rule ids longer than this, or more of them per decision, are not a ruleset's: they are ignored. */
const MAX_ID_LENGTH = 256;
const MAX_RULES_PER_DECISION = 100;

/** Data of the `evidence` SSE event: which values each fired rule read, and which shadow rules fired. */
export interface EvidenceEvent {
  id: string;
  evidence: Record<string, Record<string, unknown>>;
  shadow: string[];
}

/**
 * The facts of one decision record: its id, the rules that fired (live from the
 * reasons, shadow from the header) and the ruleset version. Everything is checked: any
 * Kafka client can write to the output topics.
 */
export function decisionFacts(value: Record<string, unknown>, decision: Record<string, unknown>, headers: Record<string, string>): DecisionFacts {
  const reasons = Array.isArray(decision.reasons) ? decision.reasons : [];
  const rules = idList(reasons.map((reason: unknown) => (isRecord(reason) ? reason.rule : undefined)));
  return {
    id: typeof value.id === 'string' && value.id.length <= MAX_ID_LENGTH ? value.id : '',
    rules,
    shadow: idList(parseHeader(headers[SHADOW_HEADER], Array.isArray) ?? []),
    rulesVersion: typeof decision.rules === 'string' ? decision.rules.slice(0, MAX_ID_LENGTH) : '',
  };
}

/** The `evidence` event's JSON, or undefined when the decision has neither evidence nor shadow hits. */
export function evidenceJson(facts: DecisionFacts, headers: Record<string, string>): string | undefined {
  const evidence = evidenceOf(headers[EVIDENCE_HEADER]);
  if (evidence === undefined && facts.shadow.length === 0) return undefined;
  const event: EvidenceEvent = { id: facts.id, evidence: evidence ?? {}, shadow: facts.shadow };
  return JSON.stringify(event);
}

function evidenceOf(header: string | undefined): EvidenceEvent['evidence'] | undefined {
  const parsed = parseHeader(header, isRecord);
  if (parsed === undefined) return undefined;
  const evidence: EvidenceEvent['evidence'] = {};
  for (const [rule, values] of Object.entries(parsed)) if (isRecord(values)) evidence[rule] = values;
  return Object.keys(evidence).length > 0 ? evidence : undefined;
}

function parseHeader<T>(header: string | undefined, accept: (value: unknown) => value is T): T | undefined {
  if (header === undefined || header === '') return undefined;
  try {
    const value: unknown = JSON.parse(header);
    return accept(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function idList(values: unknown[]): string[] {
  const ids = new Set<string>();
  for (const value of values) {
    if (typeof value === 'string' && value !== '' && value.length <= MAX_ID_LENGTH) ids.add(value);
    if (ids.size >= MAX_RULES_PER_DECISION) break;
  }
  return [...ids];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
