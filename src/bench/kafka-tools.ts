import { FraudError } from '../errors.ts';
import { runLocalKafkaTool } from '../localkafka/index.ts';
import type { RunResult } from '../localkafka/exec.ts';
import { lastLines } from '../localkafka/exec.ts';
import { requireKafka, withKafkaLog, type KafkaTarget, type StageContext } from './context.ts';
import { parseConsumerPerformance, parseProducerPerformance } from './tool-output.ts';
import { createTopics, freshTopics } from './topics.ts';
import type { KafkaToolFigures, ToolRun } from './types.ts';

const PRODUCER_TOOL = 'org.apache.kafka.tools.ProducerPerformance';
const CONSUMER_TOOL = 'org.apache.kafka.tools.ConsumerPerformance';
/** Kafka Streams' commit interval under exactly-once: a fair cadence for a transactional producer. */
const TRANSACTION_MS = 100;
/** Keys drawn from as many values as the generator has customers, so records spread over partitions alike. */
const KEY_RANGE = 10_000;
const TOOL_TIMEOUT_MS = 10 * 60_000;

/**
 * Stage (a): Kafka's own ProducerPerformance and ConsumerPerformance, on our generated
 * transactions (the tool sends lines of the same payload file), 6 partitions, acks=all:
 * the broker's limit on this machine, which every other figure is compared with.
 */
export async function runKafkaTools(context: StageContext): Promise<KafkaToolFigures> {
  const target = requireKafka(context);
  const plain = freshTopics('a');
  const transactional = freshTopics('a-txn');
  context.createdTopics.push(plain, transactional);
  await withKafkaLog(target, (log) => createTopics(log, [plain.transactions, transactional.transactions]));
  const { toolRecords, toolWarmupRecords } = context.sizes;
  const total = toolRecords + toolWarmupRecords;
  const producer = await produce(context, target, { topic: plain.transactions, records: total, warmup: toolWarmupRecords, label: 'a Kafka ProducerPerformance' });
  const consumer = await consume(context, target, plain.transactions, total);
  const txn = await produce(context, target, {
    topic: transactional.transactions,
    records: total,
    warmup: toolWarmupRecords,
    label: 'a Kafka ProducerPerformance, transactions',
    transactionMs: TRANSACTION_MS,
  });
  return { producer, consumer, transactionalProducer: { ...txn, transactionMs: TRANSACTION_MS } };
}

interface ProduceRun {
  topic: string;
  records: number;
  warmup: number;
  label: string;
  transactionMs?: number;
}

async function produce(context: StageContext, target: KafkaTarget, run: ProduceRun): Promise<ToolRun> {
  const args = [
    '--bootstrap-server', target.brokers,
    '--topic', run.topic,
    '--num-records', String(run.records),
    '--warmup-records', String(run.warmup),
    '--throughput', '-1',
    '--payload-file', context.workload.payloadFile,
    '--key-distribution', 'random',
    '--record-key-range', String(KEY_RANGE),
    '--reporting-interval', '2000',
    '--command-property', 'acks=all',
    ...(run.transactionMs === undefined ? [] : ['--transaction-duration-ms', String(run.transactionMs)]),
  ];
  context.progress.begin(run.label, run.records, 'records');
  let sent = 0;
  const result = await tool(target, PRODUCER_TOOL, args, (chunk) => {
    // Its progress lines ("24075 records sent, …") count records since the last line.
    for (const match of chunk.matchAll(/^(\d+) records sent,/gm)) sent += Number(match[1]);
    context.progress.update(sent);
  });
  const figures = parseProducerPerformance(result.stdout);
  context.progress.end(`${Math.round(figures.recordsPerSec)} records/s, ${figures.mbPerSec} MB/s`);
  return figures;
}

async function consume(context: StageContext, target: KafkaTarget, topic: string, records: number): Promise<ToolRun> {
  const args = ['--bootstrap-server', target.brokers, '--topic', topic, '--num-records', String(records), '--timeout', '60000'];
  context.progress.begin('a Kafka ConsumerPerformance', records, 'records');
  const result = await tool(target, CONSUMER_TOOL, args);
  const figures = parseConsumerPerformance(result.stdout);
  context.progress.end(`${Math.round(figures.recordsPerSec)} records/s, ${figures.mbPerSec} MB/s`);
  return figures;
}

async function tool(target: KafkaTarget, mainClass: string, args: string[], onStdout?: (chunk: string) => void): Promise<RunResult> {
  const result = await runLocalKafkaTool(
    { kafkaDir: target.kafkaDir },
    { mainClass, args, heap: '1g', timeoutMs: TOOL_TIMEOUT_MS, onStdout },
  );
  if (result.code !== 0 || result.timedOut) {
    const why = result.timedOut ? 'timed out' : `exited with ${String(result.code ?? result.signal)}`;
    throw new FraudError('FRAUD_INTERNAL', `${mainClass} ${why}`, { problems: lastLines(`${result.stdout}\n${result.stderr}`, 8) });
  }
  return result;
}
