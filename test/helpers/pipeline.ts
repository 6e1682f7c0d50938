import type { Log, LogRecord, TopicSpec } from '../../src/log/types.ts';
import { readAll } from './log.ts';
import { randomTopic } from './topics.ts';

/** Every topic a pipeline touches, all fresh, so a test shares nothing with another (rules included). */
export interface PipelineTopics {
  transactions: string;
  legit: string;
  fraud: string;
  deadLetter: string;
  rules: string;
  audit: string;
  labels: string;
  feedback: string;
}

export function randomPipeline(prefix = 'p'): PipelineTopics {
  const base = randomTopic(prefix);
  return {
    transactions: `${base}.tx`,
    legit: `${base}.legit`,
    fraud: `${base}.fraud`,
    deadLetter: `${base}.dlq`,
    rules: `${base}.rules`,
    audit: `${base}.rules-audit`,
    labels: `${base}.labels`,
    feedback: `${base}.feedback`,
  };
}

/** `fraud <command>` arguments for Kafka and these topics (the topics without a flag go through `pipelineEnv`). */
export function pipelineArgs(brokers: string, topics: PipelineTopics, partitions: number): string[] {
  return [
    '--brokers', brokers,
    '--transactions-topic', topics.transactions,
    '--legit-topic', topics.legit,
    '--fraud-topic', topics.fraud,
    '--dead-letter-topic', topics.deadLetter,
    '--partitions', String(partitions),
    '--log-level', 'warn',
  ];
}

export function pipelineEnv(topics: PipelineTopics): NodeJS.ProcessEnv {
  return { RULES_TOPIC: topics.rules, AUDIT_TOPIC: topics.audit, LABELS_TOPIC: topics.labels, FEEDBACK_TOPIC: topics.feedback };
}

/** Topic specs for `ensureTopics` as the CLI creates them: the rules topic compacted, the audit topic kept forever, one partition each. */
export function pipelineSpecs(topics: PipelineTopics, partitions: number): TopicSpec[] {
  return Object.entries(topics).map(([role, name]) => {
    if (role === 'rules') return { name, partitions: 1, compacted: true };
    return role === 'audit' ? { name, partitions: 1, keepForever: true } : { name, partitions };
  });
}

export interface Decided {
  id: string;
  verdict: string;
  score: number;
  record: LogRecord;
}

/** The decisions in the legit and fraud topics, read as a read_committed consumer does. */
export async function readDecisions(log: Log, topics: PipelineTopics): Promise<Decided[]> {
  const records = [...(await readAll(log, topics.legit)), ...(await readAll(log, topics.fraud))];
  return records.map((record) => {
    const value = JSON.parse(String(record.value)) as { id: string; decision: { verdict: string; score: number } };
    return { id: value.id, verdict: value.decision.verdict, score: value.decision.score, record };
  });
}

/**
 * The decisions once at least `expected` are visible, or when `timeoutMs` has passed. A
 * detector SIGKILLed mid-transaction leaves it open, and until the broker aborts it (the
 * transaction timeout, 15 s, checked every 10 s by default) it holds the output
 * partitions' last stable offset: read_committed readers see nothing committed after it,
 * even once the group's offsets are all committed.
 */
export async function readDecisionsWhenVisible(log: Log, topics: PipelineTopics, expected: number, timeoutMs = 60_000): Promise<Decided[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const decisions = await readDecisions(log, topics);
    if (decisions.length >= expected || Date.now() >= deadline) return decisions;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** What a fault test reports: every input once, none missing, none twice. */
export interface Tally {
  inputs: number;
  outputs: number;
  unique: number;
  duplicates: number;
  losses: number;
}

export function tally(inputIds: Iterable<string>, outputIds: string[]): Tally {
  const expected = new Set(inputIds);
  const seen = new Set(outputIds);
  let losses = 0;
  for (const id of expected) if (!seen.has(id)) losses++;
  return { inputs: expected.size, outputs: outputIds.length, unique: seen.size, duplicates: outputIds.length - seen.size, losses };
}

export function formatTally(t: Tally): string {
  return `inputs ${t.inputs}, outputs ${t.outputs}, duplicates ${t.duplicates}, losses ${t.losses}`;
}

/**
 * Where the doubled decisions are (topic, partition, offset of each copy), so a failed
 * exactly-once check says which batches were written twice, not just how many.
 */
export function describeDuplicates(decisions: Decided[], limit = 10): string {
  const byId = new Map<string, Decided[]>();
  for (const decision of decisions) byId.set(decision.id, [...(byId.get(decision.id) ?? []), decision]);
  const doubled = [...byId].filter(([, copies]) => copies.length > 1).slice(0, limit);
  if (doubled.length === 0) return 'no duplicates';
  return doubled
    .map(([id, copies]) => `${id}: ${copies.map((copy) => `${copy.record.topic}[${copy.record.partition}]@${copy.record.offset}`).join(', ')}`)
    .join('; ');
}
