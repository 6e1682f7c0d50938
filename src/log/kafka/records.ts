import {
  compatibilityPartitioner,
  IS_CONTROL,
  IS_TRANSACTIONAL,
  type fetchV17,
  type MessageToProduce,
  type Partitioner,
  type RecordsBatch,
} from '@platformatic/kafka';
import { abortedTransactionsOf } from './aborted-transactions.ts';
import { keyToBuffer } from '../partitioner.ts';
import type { LogRecord, OutgoingRecord } from '../types.ts';

/** Keys, values and headers travel as Buffers: the client's serializers stay the no-op ones. */
export type KafkaMessage = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/** Attribute bit of a batch whose timestamps are the broker's append time. */
const LOG_APPEND_TIME = 0x08;

export function toKafkaMessage(record: OutgoingRecord): KafkaMessage {
  const message: KafkaMessage = { topic: record.topic };
  const key = keyToBuffer(record.key);
  if (key !== null) message.key = key;
  // A null value stays undefined: the client writes it as length -1, a tombstone.
  if (record.value !== null) message.value = typeof record.value === 'string' ? Buffer.from(record.value) : record.value;
  if (record.headers) {
    const headers = new Map<Buffer, Buffer>();
    for (const [name, value] of Object.entries(record.headers)) headers.set(Buffer.from(name), Buffer.from(value));
    message.headers = headers;
  }
  if (record.partition !== undefined) message.partition = record.partition;
  return message;
}

/**
 * Keyed records go where Java clients put them (murmur2, as partitionForKey). Records
 * without a key go round-robin: the client's compatibilityPartitioner alone would send
 * every one of them to partition 0. The client takes the result modulo the partition count.
 */
export function createPartitioner(): Partitioner<Buffer, Buffer, Buffer, Buffer> {
  const next = new Map<string, number>();
  // A message sent again (a retry) goes where it went the first time, so the broker can
  // recognise it by its sequence number.
  const chosen = new WeakMap<object, number>();
  return (message, key) => {
    if (Buffer.isBuffer(key)) return remember(message, compatibilityPartitioner(message, key));
    const earlier = chosen.get(message);
    if (earlier !== undefined) return earlier;
    // A random start per topic, so many short-lived producers do not all begin at partition 0.
    const current = next.get(message.topic) ?? Math.floor(Math.random() * 1024);
    next.set(message.topic, (current + 1) % 0x7fffffff);
    chosen.set(message, current);
    return remember(message, current);
  };
}

/** What the partitioner answered for each message, before the client's modulo. */
const answered = new WeakMap<object, number>();

function remember(message: object, partition: number): number {
  answered.set(message, partition);
  return partition;
}

/** The partition a message was sent to, given its topic's partition count; undefined if it was never partitioned. */
export function partitionSentTo(message: KafkaMessage, partitions: number): number | undefined {
  const raw = answered.get(message);
  return raw === undefined ? undefined : raw % partitions;
}

/** Splits messages, in order, into requests of at most `maxBytes` of keys, values and headers each. */
export function chunkByBytes(messages: KafkaMessage[], maxBytes: number): KafkaMessage[][] {
  const chunks: KafkaMessage[][] = [];
  let current: KafkaMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function messageBytes(message: KafkaMessage): number {
  let bytes = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  // toKafkaMessage writes headers as a Map of Buffers.
  if (message.headers instanceof Map) for (const [name, value] of message.headers) bytes += name.length + value.length;
  return bytes;
}

export interface DecodedPartition {
  records: LogRecord[];
  /** Offset to fetch next (past control and aborted batches too); undefined when nothing came. */
  nextOffset: number | undefined;
  /** Key and value bytes of the records, for the fetcher's memory bound. */
  bytes: number;
}

/**
 * Decodes one partition of a read_committed fetch. Aborted transactions are dropped here,
 * as the Java consumer does: the client's own filter keeps only the last aborted
 * transaction per producer, keeps aborted records whose marker is not in the same
 * response and throws on some markers, so our clients hold the ranges back from it
 * (aborted-transactions.ts). Records before `from` (a batch starts
 * earlier than the offset asked for) are skipped.
 */
export function decodePartition(topic: string, partition: fetchV17.FetchResponsePartition, from: number): DecodedPartition {
  const result: DecodedPartition = { records: [], nextOffset: undefined, bytes: 0 };
  const batches = partition.records ?? [];
  const aborted = [...abortedTransactionsOf(partition)].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  let nextAborted = 0;
  // Producers whose current transaction, started at or before this batch, ends in an abort.
  const abortedProducers = new Set<bigint>();
  for (const batch of batches) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    result.nextOffset = Number(lastOffset) + 1;
    for (let txn = aborted[nextAborted]; txn !== undefined && txn.firstOffset <= lastOffset; txn = aborted[++nextAborted]) {
      abortedProducers.add(txn.producerId);
    }
    if (batch.attributes & IS_CONTROL) {
      if (isAbortMarker(batch)) abortedProducers.delete(batch.producerId);
      continue;
    }
    if (batch.attributes & IS_TRANSACTIONAL && abortedProducers.has(batch.producerId)) continue;
    appendBatch(topic, partition.partitionIndex, batch, from, result);
  }
  return result;
}

function isAbortMarker(batch: RecordsBatch): boolean {
  // A control record's key is version (int16) then type (int16): 0 = abort, 1 = commit.
  const key = batch.records[0]?.key;
  return key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === 0;
}

function appendBatch(topic: string, partition: number, batch: RecordsBatch, from: number, into: DecodedPartition): void {
  const appendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
  for (const record of batch.records) {
    const offset = Number(batch.firstOffset) + record.offsetDelta;
    if (offset < from) continue;
    const headers: Record<string, string> = {};
    for (const [name, value] of record.headers) {
      if (name !== null) headers[name.toString()] = value === null ? '' : value.toString();
    }
    into.records.push({
      topic,
      partition,
      offset,
      key: record.key,
      value: record.value,
      timestamp: Number(appendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta),
      headers,
    });
    into.bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0) + 64;
  }
}
