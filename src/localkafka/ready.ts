import { Admin } from '@platformatic/kafka';
import { connect } from 'node:net';
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
  /**
   * Brokers the answer must list: a cluster's broker is ready once it has registered and
   * sees the others (the metadata lists only brokers the controller has let in).
   */
  minBrokers?: number;
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
    if (probe.ok && probe.brokers >= (request.minBrokers ?? 1)) return;
    lastError = probe.ok ? new Error(`the metadata lists ${probe.brokers} of ${String(request.minBrokers)} brokers`) : probe.error;
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

export interface WaitForPortRequest {
  host: string;
  port: number;
  timeoutMs: number;
  isAlive: () => boolean;
  logTail: () => Promise<string[]>;
  /** Named in errors, e.g. 'the KRaft controller'. */
  what: string;
}

/**
 * Waits until host:port accepts a connection. For a KRaft controller, which answers no
 * client request a probe could make; its brokers then register with it by themselves.
 */
export async function waitForPort(request: WaitForPortRequest): Promise<void> {
  const deadline = Date.now() + request.timeoutMs;
  for (;;) {
    if (!request.isAlive()) {
      throw new FraudError('FRAUD_KAFKA_SETUP', `${request.what} exited during start-up`, { problems: await request.logTail() });
    }
    if (await accepts(request.host, request.port)) return;
    if (Date.now() >= deadline) break;
    await sleep(250);
  }
  throw new FraudError('FRAUD_KAFKA_UNAVAILABLE', `${request.what} did not listen on ${request.host}:${request.port} within ${request.timeoutMs / 1000} s`, {
    canRetry: true,
    problems: await request.logTail(),
  });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolveAccepts) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolveAccepts(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
