/**
 * The shapes the server streams, read defensively: every value comes from a topic any
 * Kafka client can write to, so nothing is trusted to have its declared type.
 */
export type Verdict = 'legit' | 'review' | 'fraud';
export type EntryKind = Verdict | 'dead-letter';

export interface Reason {
  rule: string;
  detail: string;
}

export interface DecisionEntry {
  kind: 'decision';
  verdict: Verdict;
  id: string;
  source: string;
  target: string;
  amount: number | undefined;
  currency: string;
  /** Event time (transaction timestamp) or else when it was decided, epoch ms. */
  time: number | undefined;
  score: number | undefined;
  reasons: Reason[];
  raw: Record<string, unknown>;
}

export interface DeadLetterEntry {
  kind: 'dead-letter';
  id: string;
  error: string;
  reason: string;
  where: string;
  payload: string;
  time: number | undefined;
  raw: Record<string, unknown>;
}

export type Entry = DecisionEntry | DeadLetterEntry;

export type Counts = Record<'transactions' | 'legit' | 'review' | 'fraud' | 'deadLetter', number>;

export interface Stats extends Counts {
  since: string;
  at: string;
  rates: { last10s: Counts; last60s: Counts };
  latencyMs: { p50: number | null; p99: number | null; count: number };
  backlog: number | null;
  stream?: { clients: number; sampling: boolean; sampledOut: number };
}

export interface Hello {
  epoch: string;
  resumed: boolean;
  history: number;
}

const VERDICTS: readonly Verdict[] = ['legit', 'review', 'fraud'];

export function parseObject(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function toDecision(raw: Record<string, unknown>): DecisionEntry | undefined {
  const decision = raw.decision;
  if (!isRecord(decision)) return undefined;
  const verdict = VERDICTS.find((known) => known === decision.verdict);
  if (verdict === undefined) return undefined;
  return {
    kind: 'decision',
    verdict,
    id: text(raw.id),
    source: text(raw.source),
    target: text(raw.target),
    amount: numberOrUndefined(raw.amount),
    currency: text(raw.currency),
    time: timeOf(raw.timestamp) ?? timeOf(decision.decidedAt),
    score: numberOrUndefined(decision.score),
    reasons: Array.isArray(decision.reasons) ? decision.reasons.filter(isRecord).map((r) => ({ rule: text(r.rule), detail: text(r.detail) })) : [],
    raw,
  };
}

export function toDeadLetter(raw: Record<string, unknown>): DeadLetterEntry {
  const topic = text(raw.topic);
  const where = topic === '' ? '' : `${topic}[${text(raw.partition)}]@${text(raw.offset)}`;
  return {
    kind: 'dead-letter',
    id: where,
    error: text(raw.error),
    reason: text(raw.reason),
    where,
    payload: text(raw.payload),
    time: payloadTime(raw.payload),
    raw,
  };
}

/** A dead letter has no time of its own; the transaction inside it often has one. */
function payloadTime(payload: unknown): number | undefined {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return undefined;
  const parsed = parseObject(payload);
  return parsed ? timeOf(parsed.timestamp) : undefined;
}

export function toStats(raw: Record<string, unknown>): Stats | undefined {
  const counts = ['transactions', 'legit', 'review', 'fraud', 'deadLetter'] as const;
  if (!counts.every((name) => typeof raw[name] === 'number')) return undefined;
  if (!isRecord(raw.rates) || !isRecord(raw.latencyMs) || typeof raw.at !== 'string') return undefined;
  // The server writes this shape; the checks above catch a different server version.
  return raw as unknown as Stats;
}

export function toHello(raw: Record<string, unknown>): Hello {
  return { epoch: text(raw.epoch), resumed: raw.resumed === true, history: numberOrUndefined(raw.history) ?? 0 };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Any value as display text; objects as JSON, so nothing is lost and nothing is markup. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}
