import { isUtf8 } from 'node:buffer';
import type { core } from 'zod';
import type { DeadLetterCode } from './dead-letter.ts';
import { quickCheck } from './quick-check.ts';
import { TransactionSchema, type Transaction } from './transaction.ts';

export type ParseResult =
  /** `text` is the record as received, so a decision can carry it byte for byte. */
  | { ok: true; transaction: Transaction; text: string }
  | { ok: false; error: DeadLetterCode; reason: string };

export interface ParseLimits {
  maxRecordBytes: number;
  /** Deepest nesting of objects and arrays accepted; deeper input is hostile, not a payment. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 32;

/** Turns a record's bytes into a transaction, or into the dead-letter code and reason saying why not. */
export function parseTransaction(value: Buffer | null, limits: ParseLimits): ParseResult {
  if (value === null || value.length === 0) return fail('EMPTY', 'the record has no value');
  if (value.length > limits.maxRecordBytes) {
    return fail('TOO_LARGE', `the record is ${value.length} bytes, over the limit of ${limits.maxRecordBytes}`);
  }
  if (!isUtf8(value)) return fail('NOT_UTF8', 'the record is not valid UTF-8 text');
  let parsed: unknown;
  const text = value.toString('utf8');
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Deep nesting surfaces as a RangeError from the parser: still just bad input.
    return fail('NOT_JSON', `not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail('NOT_OBJECT', `expected a JSON object, got ${describeJsonType(parsed)}`);
  }
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (hasNesting(parsed as object) && depthOf(parsed, maxDepth) > maxDepth) {
    return fail('TOO_DEEP', `the record nests deeper than ${maxDepth} levels`);
  }
  const record = parsed as Record<string, unknown>;
  if (quickCheck(record)) return { ok: true, transaction: record as Transaction, text };
  const result = TransactionSchema.safeParse(parsed);
  if (result.success) return { ok: true, transaction: record as Transaction, text };
  return explain(result.error.issues, record);
}

function explain(issues: core.$ZodIssue[], input: Record<string, unknown>): ParseResult {
  // Report the most telling problem first: a missing field before a malformed one.
  const sorted = [...issues].sort((a, b) => rank(a, input) - rank(b, input));
  const first = sorted[0];
  if (!first) return fail('WRONG_TYPE', 'the transaction is invalid');
  const reason = sorted.map((issue) => describeIssue(issue, input)).join('; ');
  return fail(codeFor(first, input), reason);
}

function codeFor(issue: core.$ZodIssue, input: Record<string, unknown>): DeadLetterCode {
  const field = String(issue.path[0] ?? '');
  if (input[field] === undefined) return 'MISSING_FIELD';
  if (field === 'amount') return 'INVALID_AMOUNT';
  if (field === 'currency') return 'INVALID_CURRENCY';
  if (field === 'timestamp') return 'INVALID_TIMESTAMP';
  return 'WRONG_TYPE';
}

function rank(issue: core.$ZodIssue, input: Record<string, unknown>): number {
  return input[String(issue.path[0] ?? '')] === undefined ? 0 : 1;
}

function describeIssue(issue: core.$ZodIssue, input: Record<string, unknown>): string {
  const field = String(issue.path[0] ?? '');
  const value = input[field];
  if (value === undefined) return `${field} is missing`;
  return `${field} ${expectation(field)}, got ${preview(value)}`;
}

function expectation(field: string): string {
  switch (field) {
    case 'amount':
      return 'must be a positive finite number';
    case 'currency':
      return 'must be an ISO 4217 code of three capital letters';
    case 'timestamp':
      return 'must be an ISO-8601 string or epoch milliseconds';
    case 'lat':
      return 'must be a number from -90 to 90';
    case 'lon':
      return 'must be a number from -180 to 180';
    case 'country':
      return 'must be a two-letter country code';
    case 'mcc':
      return 'must be a four-digit merchant category code';
    default:
      return 'must be a non-empty string of at most 256 characters';
  }
}

function preview(value: unknown): string {
  const json = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** A flat object (the usual transaction) needs no depth walk. */
function hasNesting(value: object): boolean {
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object') return true;
  }
  return false;
}

/** Nesting depth, walked without recursion and stopped as soon as it passes the limit. */
function depthOf(root: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function fail(error: DeadLetterCode, reason: string): ParseResult {
  return { ok: false, error, reason };
}
