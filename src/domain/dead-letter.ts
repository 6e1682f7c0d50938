import { isUtf8 } from 'node:buffer';
import type { LogRecord } from '../log/types.ts';

/** Why a record could not be decided; the `error` field of a dead letter. */
export const DeadLetterCodes = {
  EMPTY: 'the record has no value',
  TOO_LARGE: 'the record is larger than the size limit',
  NOT_UTF8: 'the record is not valid UTF-8 text',
  NOT_JSON: 'the record is not valid JSON',
  NOT_OBJECT: 'the record is JSON but not an object',
  TOO_DEEP: 'the record nests objects or arrays too deeply',
  MISSING_FIELD: 'a required field is missing',
  WRONG_TYPE: 'a field has the wrong type or format',
  INVALID_AMOUNT: 'the amount is not a positive finite number',
  INVALID_CURRENCY: 'the currency is not an ISO 4217 code',
  INVALID_TIMESTAMP: 'the timestamp is not ISO-8601 or epoch milliseconds',
  DECIDE_FAILED: 'the detector failed on this record',
  DUPLICATE_ID: 'a transaction of this id, written through the decision API, was decided before',
} as const;

export type DeadLetterCode = keyof typeof DeadLetterCodes;

export interface DeadLetter {
  error: DeadLetterCode;
  reason: string;
  topic: string;
  partition: number;
  offset: number;
  payload: string;
  /** How `payload` is encoded: the original text, or base64 of bytes that were not UTF-8. */
  payloadEncoding: 'utf8' | 'base64';
  /** Size of the original value; the payload is cut to `maxPayloadBytes` (the original stays in its topic). */
  payloadBytes: number;
  payloadTruncated: boolean;
  /** DUPLICATE_ID: the first decision of the id, as its output record (null when another detector made it). */
  original?: string | null;
}

export function toDeadLetter(
  record: Pick<LogRecord, 'topic' | 'partition' | 'offset' | 'value'>,
  failure: { error: DeadLetterCode; reason: string },
  maxPayloadBytes: number,
): DeadLetter {
  const bytes = record.value ?? Buffer.alloc(0);
  const kept = bytes.length > maxPayloadBytes ? bytes.subarray(0, maxPayloadBytes) : bytes;
  const utf8 = isUtf8(kept);
  return {
    error: failure.error,
    reason: failure.reason,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    payload: utf8 ? kept.toString('utf8') : kept.toString('base64'),
    payloadEncoding: utf8 ? 'utf8' : 'base64',
    payloadBytes: bytes.length,
    payloadTruncated: kept.length < bytes.length,
  };
}
