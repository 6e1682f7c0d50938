import type { TestContext } from 'node:test';

/**
 * The broker the Kafka tests use. The test runner (scripts/run-tests.ts) starts the local
 * broker and sets FRAUD_TEST_KAFKA; without it, Kafka tests skip and say why, except in
 * CI, where a missing broker fails the run: no Kafka test may skip silently there.
 */
export function kafkaBrokers(): string | undefined {
  return process.env.FRAUD_TEST_KAFKA || undefined;
}

export const KAFKA_SKIP_REASON =
  process.env.FRAUD_TEST_KAFKA_SKIP_REASON ?? 'no Kafka broker: set FRAUD_TEST_KAFKA=HOST:PORT or install Java 17 and Maven';

/** Options for describe()/test() of a Kafka test: skipped with the reason outside CI only. */
export function kafkaTestOptions(): { skip?: string } {
  if (kafkaBrokers()) return {};
  if (process.env.CI === 'true') return {}; // runs and fails in requireKafka: CI must not skip
  return { skip: KAFKA_SKIP_REASON };
}

export function requireKafka(t?: TestContext): string {
  const brokers = kafkaBrokers();
  if (brokers) return brokers;
  const message = `Kafka tests need a broker (${KAFKA_SKIP_REASON})`;
  if (t) t.diagnostic(message);
  throw new Error(message);
}
