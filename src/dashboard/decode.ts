import { VERDICTS, type Verdict } from '../domain/decision.ts';
import { INPUT_TIMESTAMP_HEADER } from '../detector/processor.ts';
import type { LogRecord } from '../log/types.ts';
import { decisionFacts, evidenceJson, isRecord } from './decision-facts.ts';
import type { FeedItem } from './types.ts';

export interface DecodeContext {
  deadLetterTopic: string;
  /** True when the record arrived after this server started (not history). */
  live: boolean;
}

/**
 * An output record as the feed streams it, or why not. The JSON is parsed and written
 * again so it is one line whatever its producer wrote: SSE data cannot hold a newline.
 */
export function decodeFeedRecord(record: LogRecord, context: DecodeContext): FeedItem | { skipped: string } {
  if (record.value === null || record.value.length === 0) return { skipped: 'empty record' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value.toString('utf8'));
  } catch {
    return { skipped: 'not JSON' };
  }
  if (!isRecord(parsed)) return { skipped: 'not a JSON object' };
  const base = { json: JSON.stringify(parsed), timestamp: record.timestamp, latencyMs: latencyOf(record), live: context.live };
  if (record.topic === context.deadLetterTopic) return { ...base, kind: 'dead-letter' };
  const decision = parsed.decision;
  const verdict = isRecord(decision) ? verdictOf(decision) : undefined;
  if (!isRecord(decision) || verdict === undefined) return { skipped: 'no decision.verdict' };
  const facts = decisionFacts(parsed, decision, record.headers);
  return { ...base, kind: 'decision', verdict, facts, evidence: evidenceJson(facts, record.headers) };
}

function verdictOf(decision: Record<string, unknown>): Verdict | undefined {
  return VERDICTS.find((known) => known === decision.verdict);
}

function latencyOf(record: LogRecord): number | undefined {
  const header = record.headers[INPUT_TIMESTAMP_HEADER];
  if (header === undefined) return undefined;
  const input = Number(header);
  if (!Number.isFinite(input)) return undefined;
  // Clocks of two Kafka clients may disagree by a little; never report negative time.
  return Math.max(0, record.timestamp - input);
}
