import { createHash, randomUUID } from 'node:crypto';
import type { Transaction } from '../domain/transaction.ts';

/** Prefix of the ids derived from an Idempotency-Key (see idFromKey). */
export const KEY_ID_PREFIX = 'idem-';

/**
 * The id of a transaction sent without one, derived from its Idempotency-Key: "idem-" and
 * the first 32 hex digits of the key's SHA-256. Deterministic, so a retry sent to another
 * API instance carries the same id, and the detector can tell it is the same transaction.
 * Hashed rather than copied so that a key can never pass for another transaction's own id.
 */
export function idFromKey(idempotencyKey: string): string {
  return `${KEY_ID_PREFIX}${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32)}`;
}

/** The id of a transaction sent with neither an id nor a key: unique, so never deduplicated. */
export function randomTransactionId(): string {
  return `api-${randomUUID()}`;
}

export function ownId(transaction: Transaction): string | undefined {
  return typeof transaction.id === 'string' && transaction.id.length > 0 ? transaction.id : undefined;
}

/**
 * The record to produce: the request's own text, byte for byte, when the transaction has
 * its id; else the text with `"id"` appended before the closing brace (printed whole when
 * an `"id": null` is there, so no key appears twice).
 */
export function withId(text: string, transaction: Transaction, id: string): string {
  if (ownId(transaction) === id) return text;
  const trimmed = text.trimEnd();
  if ('id' in transaction || !trimmed.endsWith('}')) return JSON.stringify({ ...transaction, id });
  return `${trimmed.slice(0, -1).trimEnd()},"id":${JSON.stringify(id)}}`;
}
