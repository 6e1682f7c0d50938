import { sleep } from '../util/wait.ts';
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

/**
 * Connections for a rate: a quarter of it (10 to 1,000), so that answers as slow as the
 * API's deadline (200 ms) never wait for a free connection: the generator's own queue
 * would otherwise show as the API's latency.
 */
export function connectionsFor(rate: number): number {
  return Math.min(1000, Math.max(10, Math.ceil(rate / 4)));
}

/** Requests waiting for an answer at most, in seconds of the rate: past it the API is not keeping up. */
const MAX_BACKLOG_SECONDS = 2;
const REQUEST_TIMEOUT_MS = 10_000;
const TICK_MS = 1;

/**
 * POST /v1/decisions at a fixed rate, open loop (as wrk2 and k6's constant arrival rate):
 * request n is due at start + n / rate and is sent then, whatever the answers to earlier
 * ones, over a pool of keep-alive connections (undici, Node's own HTTP client). Latency is
 * each 2xx answer's time from when its request was due to when the answer was read, so a
 * generator or server that falls behind shows as latency, not as a quietly lower rate.
 * (autocannon, used before, paces per connection and per second: each connection sends its
 * second's quota back to back as soon as the second starts, so "1,000 requests/s" over 100
 * connections was 100 requests at once, every second.)
 */
export async function loadAt(plan: LoadPlan): Promise<ApiRun> {
  // Loaded here, not at start: every `fraud` command imports the bench's stages.
  const { Pool } = await import('undici');
  const connections = connectionsFor(plan.rate);
  const base = new URL(plan.url);
  const path = `${base.pathname}v1/decisions`;
  const pool = new Pool(base.origin, { connections, pipelining: 1, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
  const histogram = new LatencyHistogram();
  const statuses: Record<string, number> = {};
  let errors = 0;
  let notSent = 0;
  let pending = 0;
  const inFlight = new Set<Promise<void>>();
  const post = async (dueAt: number): Promise<void> => {
    try {
      const response = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json' }, body: plan.body() });
      await response.body.dump();
      const status = response.statusCode;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) histogram.record(performance.now() - dueAt);
    } catch {
      errors++;
    }
  };
  const intervalMs = 1000 / plan.rate;
  const total = Math.ceil(plan.seconds * plan.rate);
  const maxPending = Math.max(connections, Math.ceil(plan.rate * MAX_BACKLOG_SECONDS));
  const started = performance.now();
  let due = 0;
  try {
    while (due < total && !plan.signal.aborted) {
      const now = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
      for (; due < now; due++) {
        if (pending >= maxPending) {
          notSent++; // the API is this far behind: the request is counted as not sent, the rate as not reached
          continue;
        }
        pending++;
        const request = post(started + due * intervalMs).finally(() => {
          pending--;
          inFlight.delete(request);
        });
        inFlight.add(request);
      }
      await sleep(TICK_MS);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  return apiRun(plan, { histogram, statuses, errors, notSent, connections, elapsedSeconds });
}

function apiRun(
  plan: LoadPlan,
  measured: { histogram: LatencyHistogram; statuses: Record<string, number>; errors: number; notSent: number; connections: number; elapsedSeconds: number },
): ApiRun {
  const { histogram, statuses, errors, notSent } = measured;
  const answered = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  let ok = 0;
  for (const [status, count] of Object.entries(statuses)) if (Number(status) >= 200 && Number(status) < 300) ok += count;
  const achievedPerSec = Math.round(answered / measured.elapsedSeconds);
  const { p50, p99, p999, max } = histogram.summary();
  return {
    log: plan.log,
    targetPerSec: plan.rate,
    achievedPerSec,
    seconds: Math.round(measured.elapsedSeconds * 10) / 10,
    connections: measured.connections,
    requests: answered,
    decided: ok,
    statuses,
    errors: errors + notSent,
    p50,
    p99,
    p999,
    max,
    // Every request sent on time and answered with its decision, at the rate asked.
    sustained: achievedPerSec >= plan.rate * 0.95 && ok === answered && errors === 0 && notSent === 0,
  };
}
