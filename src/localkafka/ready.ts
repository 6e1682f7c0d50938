import { Admin } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import { FraudError } from '../errors.ts';

export type ProbeResult = { ok: true; brokers: number; clusterId: string } | { ok: false; error: Error };

/**
 * One metadata request with our own client: a broker counts as up when it answers the
 * way the application will talk to it, not merely when its port accepts connections
 * (the socket opens seconds before the broker has registered with its controller).
 */
export async function probeBroker(address: string, timeoutMs = 3_000): Promise<ProbeResult> {
  const admin = new Admin({
    clientId: 'fraud-localkafka-probe',
    bootstrapBrokers: [address],
    // One attempt per probe: the caller's loop does the retrying, with its own deadline.
    retries: 0,
    connectTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    timeout: timeoutMs,
  });
  try {
    const metadata = await admin.metadata({ topics: [], forceUpdate: true });
    if (metadata.brokers.size === 0) return { ok: false, error: new Error('metadata lists no broker yet') };
    return { ok: true, brokers: metadata.brokers.size, clusterId: metadata.id };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    await admin.close();
  }
}

export interface WaitForBrokerRequest {
  address: string;
  timeoutMs: number;
  /** Checked between probes, so a broker that crashed is reported at once instead of after the timeout. */
  isAlive: () => boolean;
  /** Shown in the error, since the reason is almost always in the broker's own log. */
  logTail: () => Promise<string[]>;
  intervalMs?: number;
}

export async function waitForBroker(request: WaitForBrokerRequest): Promise<void> {
  const deadline = Date.now() + request.timeoutMs;
  let lastError: Error | undefined;
  for (;;) {
    if (!request.isAlive()) {
      throw new FraudError('FRAUD_KAFKA_SETUP', 'the Kafka broker exited during start-up', {
        problems: await request.logTail(),
      });
    }
    const probe = await probeBroker(request.address);
    if (probe.ok) return;
    lastError = probe.error;
    if (Date.now() >= deadline) break;
    await sleep(request.intervalMs ?? 500);
  }
  const message = `the Kafka broker did not answer on ${request.address} within ${request.timeoutMs / 1000} s`;
  throw new FraudError('FRAUD_KAFKA_UNAVAILABLE', message, {
    cause: lastError,
    canRetry: true,
    problems: await request.logTail(),
  });
}
