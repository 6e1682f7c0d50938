import type autocannon from 'autocannon';
import { LatencyHistogram } from './histogram.ts';
import type { ApiRun } from './types.ts';

export interface LoadPlan {
  /** The API's base URL, ending in `/`. */
  url: string;
  /** Requests per second, over every connection. */
  rate: number;
  seconds: number;
  /** The body of the next request: a new transaction each time (one Idempotency-Key each). */
  body: () => string;
  log: ApiRun['log'];
  signal: AbortSignal;
}

/** Connections for a rate: each sends a tenth of a second's worth, so answers up to 100 ms keep the rate. */
export function connectionsFor(rate: number): number {
  return Math.min(400, Math.max(10, Math.ceil(rate / 10)));
}

/**
 * POST /v1/decisions at a fixed rate with autocannon (a real HTTP client over real
 * sockets), each request a new transaction. Latency is each 2xx answer's time from
 * request sent to answer read, corrected for coordinated omission: a connection held up
 * by a slow answer counts the requests it could not send as the wait they would have had.
 */
export async function loadAt(plan: LoadPlan): Promise<ApiRun> {
  const connections = connectionsFor(plan.rate);
  const histogram = new LatencyHistogram();
  const statuses: Record<string, number> = {};
  const expectedIntervalMs = (1000 * connections) / plan.rate;
  let finish: (outcome: { error: unknown; result: autocannon.Result | undefined }) => void = () => undefined;
  const finished = new Promise<{ error: unknown; result: autocannon.Result | undefined }>((resolve) => {
    finish = resolve;
  });
  // Loaded here, not at start: every `fraud` command imports the bench's stages.
  const { default: run } = await import('autocannon');
  const instance = run({
    url: plan.url,
    connections,
    overallRate: plan.rate,
    duration: plan.seconds,
    timeout: 10,
    requests: [{ method: 'POST', path: '/v1/decisions', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: plan.body() }) }],
  }, (error, result) => finish({ error, result }));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) histogram.recordCorrected(responseTime, expectedIntervalMs);
  });
  const stop = (): void => instance.stop();
  plan.signal.addEventListener('abort', stop, { once: true });
  const { error, result } = await finished;
  plan.signal.removeEventListener('abort', stop);
  if (error !== null && error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  if (!result) throw new Error('autocannon gave no result');
  return apiRun(plan, { result, histogram, statuses, connections });
}

function apiRun(plan: LoadPlan, measured: { result: autocannon.Result; histogram: LatencyHistogram; statuses: Record<string, number>; connections: number }): ApiRun {
  const { result, histogram, statuses } = measured;
  const answered = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  const ok = result['2xx'];
  const achievedPerSec = Math.round(answered / result.duration);
  const { p50, p99, p999, max } = histogram.summary();
  return {
    log: plan.log,
    targetPerSec: plan.rate,
    achievedPerSec,
    seconds: Math.round(result.duration * 10) / 10,
    connections: measured.connections,
    requests: answered,
    decided: ok,
    statuses,
    errors: result.errors,
    p50,
    p99,
    p999,
    max,
    // Every request answered with its decision, at the rate asked.
    sustained: achievedPerSec >= plan.rate * 0.95 && ok === answered && result.errors === 0,
  };
}
