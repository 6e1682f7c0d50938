/**
 * The checks of Kafka's transactions system tests (transactions_test.py,
 * group_mode_transactions_test.py), over what a consumer of the output topics saw:
 * every input decided exactly once (set equality, no duplicates) and, per input
 * partition, the decisions in input order.
 */

/** An input transaction, where it was in the transactions topic. */
export interface InputRecord {
  id: string;
  partition: number;
  offset: number;
}

export type OutputTopic = 'legit' | 'fraud' | 'dead-letter';

/** One output record as a consumer saw it. */
export interface OutputRecord {
  topic: OutputTopic;
  partition: number;
  offset: number;
  /** The input's id: the decision's own, or the one in a dead letter's payload. */
  id: string;
}

/**
 * Which output topic a record came from and whose input it answers, from its value
 * alone (Kafka's console consumer cannot print the topic): a decision says its verdict,
 * legit going to the legit topic and review and fraud to the fraud topic; a dead letter
 * carries the original payload.
 */
export function parseOutput(value: string, partition: number, offset: number): OutputRecord {
  const parsed = JSON.parse(value) as { id?: unknown; decision?: { verdict?: unknown }; error?: unknown; payload?: unknown };
  if (parsed.decision !== undefined && typeof parsed.id === 'string') {
    return { topic: parsed.decision.verdict === 'legit' ? 'legit' : 'fraud', partition, offset, id: parsed.id };
  }
  if (typeof parsed.error === 'string') {
    const payload = typeof parsed.payload === 'string' ? safeJson(parsed.payload) : undefined;
    const id = typeof payload?.id === 'string' ? payload.id : `dead-letter@${partition}:${offset}`;
    return { topic: 'dead-letter', partition, offset, id };
  }
  throw new Error(`not a decision nor a dead letter: ${value.slice(0, 200)}`);
}

function safeJson(text: string): { id?: unknown } | undefined {
  try {
    return JSON.parse(text) as { id?: unknown };
  } catch {
    return undefined;
  }
}

export interface ViewCheck {
  outputs: number;
  unique: number;
  duplicates: number;
  /** Inputs with no output. */
  losses: number;
  /** Outputs answering no input. */
  extras: number;
  /** Decisions out of input order within an output partition, described. */
  outOfOrder: string[];
  /** Examples of each problem, for the failure message. */
  examples: string[];
}

/** What one consumer's view of the outputs says against the inputs. */
export function checkView(inputs: InputRecord[], outputs: OutputRecord[]): ViewCheck {
  const byId = new Map(inputs.map((input) => [input.id, input]));
  const counts = new Map<string, number>();
  for (const output of outputs) counts.set(output.id, (counts.get(output.id) ?? 0) + 1);
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`);
  const lost = inputs.filter((input) => !counts.has(input.id)).map((input) => `${input.id} (input ${input.partition}:${input.offset}) has no decision`);
  const extra = [...counts.keys()].filter((id) => !byId.has(id)).map((id) => `${id} answers no input`);
  const outOfOrder = orderViolations(byId, outputs);
  return {
    outputs: outputs.length,
    unique: counts.size,
    duplicates: outputs.length - counts.size,
    losses: lost.length,
    extras: extra.length,
    outOfOrder,
    examples: [...duplicated.slice(0, 3), ...lost.slice(0, 3), ...extra.slice(0, 3), ...outOfOrder.slice(0, 3)],
  };
}

/**
 * Within each output partition, in output offset order, the decisions of one input
 * partition must follow that partition's input offsets upward: a batch is written in
 * order, and a batch read again after an abort replaces one that never became visible.
 */
export function orderViolations(byId: Map<string, InputRecord>, outputs: OutputRecord[]): string[] {
  const partitions = new Map<string, OutputRecord[]>();
  for (const output of outputs) {
    const key = `${output.topic}[${output.partition}]`;
    partitions.set(key, [...(partitions.get(key) ?? []), output]);
  }
  const violations: string[] = [];
  for (const [key, records] of partitions) {
    const last = new Map<number, { offset: number; id: string }>();
    for (const record of [...records].sort((a, b) => a.offset - b.offset)) {
      const input = byId.get(record.id);
      if (!input) continue;
      const previous = last.get(input.partition);
      if (previous && previous.offset >= input.offset) {
        violations.push(`${key}@${record.offset}: input ${input.partition}:${input.offset} (${record.id}) after input ${input.partition}:${previous.offset} (${previous.id})`);
      }
      last.set(input.partition, { offset: input.offset, id: record.id });
    }
  }
  return violations;
}

export function describeView(name: string, view: ViewCheck): string {
  return `${name}: outputs ${view.outputs}, unique ${view.unique}, duplicates ${view.duplicates}, losses ${view.losses}, extras ${view.extras}, out of order ${view.outOfOrder.length}`;
}
