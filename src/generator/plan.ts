import { DAY_MS, customersForSpan } from './pace.ts';
import { PopulationPace } from './span.ts';
import { DEFAULT_CUSTOMERS, liveCustomers } from './traffic.ts';

/** What a user asks of a generated stream (`fraud produce`). */
export interface StreamRequest {
  seed: number;
  /** Transactions written per second; 0 = as fast as possible. */
  rate: number;
  /** Transactions in the stream. */
  count?: number;
  customers?: number;
  /** Event time the stream spans: with `count`, the population is sized to fit; without, the stream stops there. */
  days?: number;
  /** Epoch milliseconds of the first event; default from `now` (see planStream). */
  startTime?: number;
  /** Incident transactions per background one (scenarios), so `count` is not all background. */
  incidentShare?: number;
  now: number;
}

/** How the stream is generated: the clock, the population, where it starts and stops. */
export interface StreamPlan {
  /** Live traffic (event time = wall clock at this rate); absent: the population's own pace. */
  ratePerSecond?: number;
  customers: number;
  startTime: number;
  /** Simulated milliseconds after which the stream stops (`days` without `count`). */
  untilMs?: number;
  /** Expected epoch milliseconds of the last event, when the length is known. */
  expectedEnd?: number;
}

/**
 * Live or at the population's pace. `--rate N` alone is live: the population is sized so
 * that it pays N a second between them, and event time is the wall clock. Otherwise the
 * population pays at its own pace, and when the stream's length is known (a count, or
 * days) it starts so that it ends about now, never after: Kafka brokers refuse records
 * stamped more than an hour ahead, and stream processors that write at event time (the
 * Kafka Streams peer) would be refused; a detector would see payments from the future.
 */
export function planStream(request: StreamRequest): StreamPlan {
  if (request.rate > 0 && request.customers === undefined && request.days === undefined) {
    return { ratePerSecond: request.rate, customers: liveCustomers(request.rate), startTime: request.startTime ?? request.now };
  }
  const background = request.count === undefined ? undefined : request.count / (1 + (request.incidentShare ?? 0));
  const customers = request.customers ?? (background !== undefined && request.days !== undefined ? customersForSpan(background, request.days) : DEFAULT_CUSTOMERS);
  const untilMs = request.count === undefined && request.days !== undefined ? request.days * DAY_MS : undefined;
  const pace = new PopulationPace(request.seed, customers);
  if (background !== undefined) {
    // Three standard deviations of the count early, so that the end is before now even
    // when chance (or a quiet night hour, where a few payments take long) runs late.
    const startTime = request.startTime ?? Math.floor(pace.startFor(background + 3 * Math.sqrt(background), request.now) / 1000) * 1000;
    return { customers, startTime, expectedEnd: pace.endFor(background, startTime) };
  }
  if (untilMs !== undefined) {
    const startTime = request.startTime ?? Math.floor((request.now - untilMs) / 1000) * 1000;
    return { customers, startTime, untilMs, expectedEnd: startTime + untilMs };
  }
  return { customers, startTime: request.startTime ?? request.now };
}
