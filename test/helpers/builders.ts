import type { Transaction } from '../../src/domain/transaction.ts';
import type { LogRecord } from '../../src/log/types.ts';

let counter = 0;

/** A valid transaction with the seed's fields; override what the test is about. */
export function aTransaction(overrides: Partial<Transaction> & Record<string, unknown> = {}): Transaction {
  counter++;
  return {
    id: `tx-test-${counter}`,
    source: 'ACC000000001',
    target: 'MERCHANT0001',
    amount: 42.5,
    currency: 'EUR',
    timestamp: '2026-01-01T12:00:00.000Z',
    ...overrides,
  };
}

/** A record as the log hands it to the detector. */
export function aRecord(value: unknown, overrides: Partial<LogRecord> = {}): LogRecord {
  const bytes = value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return {
    topic: 'queuing.transactions',
    partition: 0,
    offset: counter++,
    key: Buffer.from('ACC000000001'),
    value: bytes,
    timestamp: Date.parse('2026-01-01T12:00:01.000Z'),
    headers: {},
    ...overrides,
  };
}
