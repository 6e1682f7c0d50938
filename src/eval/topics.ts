import type { OutputTopics } from '../detector/processor.ts';

/** Topics of an evaluation's own temporary log: one input, two detector passes with their own outputs. */
export interface EvalTopics {
  transactions: string;
  labels: string;
  ours: OutputTopics;
  baseline: OutputTopics;
}

const outputsOf = (pass: string): OutputTopics => ({ legit: `eval.${pass}.legit`, fraud: `eval.${pass}.fraud`, deadLetter: `eval.${pass}.dead-letter` });

export const EVAL_TOPICS: EvalTopics = {
  transactions: 'eval.transactions',
  labels: 'eval.labels',
  ours: outputsOf('ours'),
  baseline: outputsOf('baseline'),
};

export function allTopics(topics: EvalTopics): string[] {
  return [topics.transactions, topics.labels, ...Object.values(topics.ours), ...Object.values(topics.baseline)];
}
