import type { OutputTopics } from '../detector/processor.ts';

/** Topics of an evaluation's own temporary log: one input, two detector passes with their own outputs. */
export interface EvalTopics {
  transactions: string;
  labels: string;
  ours: OutputTopics;
  baseline: OutputTopics;
  /** The model alone (the ruleset's thresholds, none of its rules), and the ruleset with the model. */
  model: OutputTopics;
  combined: OutputTopics;
}

const outputsOf = (pass: string): OutputTopics => ({ legit: `eval.${pass}.legit`, fraud: `eval.${pass}.fraud`, deadLetter: `eval.${pass}.dead-letter` });

export const EVAL_TOPICS: EvalTopics = {
  transactions: 'eval.transactions',
  labels: 'eval.labels',
  ours: outputsOf('ours'),
  baseline: outputsOf('baseline'),
  model: outputsOf('model'),
  combined: outputsOf('combined'),
};

export function allTopics(topics: EvalTopics): string[] {
  return [topics.transactions, topics.labels, ...[topics.ours, topics.baseline, topics.model, topics.combined].flatMap((outputs) => Object.values(outputs))];
}
