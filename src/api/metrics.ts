import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Buckets for a synchronous check inside a payment's authorization budget: fine below 50 ms. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5];

/** The decision API's metrics, on the process's registry (beside the detector's and the dashboard's in `fraud run`). */
export function createApiMetrics(registry: Registry) {
  return {
    requestSeconds: new Histogram({
      name: 'fraud_api_request_seconds',
      help: 'Time from a request received to its answer sent, by route and status',
      labelNames: ['route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    outcomes: new Counter({
      name: 'fraud_api_outcomes_total',
      help: 'POST /v1/decisions answers: decided, replayed (an Idempotency-Key answered again), timeout (fallback), invalid, overloaded, unavailable, conflict, failed',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    lateDecisions: new Counter({
      name: 'fraud_api_late_decisions_total',
      help: 'Decisions that arrived after their request had been answered with the fallback',
      registers: [registry],
    }),
    inFlight: new Gauge({ name: 'fraud_api_in_flight', help: 'Requests waiting for their decision', registers: [registry] }),
    idempotencyKeys: new Gauge({ name: 'fraud_api_idempotency_keys', help: 'Idempotency keys remembered', registers: [registry] }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
export type Outcome = 'decided' | 'replayed' | 'timeout' | 'invalid' | 'overloaded' | 'unavailable' | 'conflict' | 'failed';
