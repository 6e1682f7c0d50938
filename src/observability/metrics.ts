import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one process. Built per registry (not on prom-client's global
 * one) so tests and several pipelines in one process never share counters.
 */
export function createMetrics(registry = new Registry(), options: { processMetrics?: boolean } = {}) {
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'fraud_' });
  return {
    registry,
    decisions: new Counter({
      name: 'fraud_decisions_total',
      help: 'Transactions decided, by verdict',
      labelNames: ['verdict'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'fraud_dead_letters_total',
      help: 'Records sent to the dead-letter topic, by error code',
      labelNames: ['error'] as const,
      registers: [registry],
    }),
    ruleOutcomes: new Counter({
      name: 'fraud_rule_outcomes_total',
      help: 'Rule hits and errors, by rule, outcome and mode',
      labelNames: ['rule', 'outcome', 'mode'] as const,
      registers: [registry],
    }),
    batches: new Counter({
      name: 'fraud_detector_batches_total',
      help: 'Batches committed, or refused because another detector took the partitions over',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'fraud_detector_batch_seconds',
      help: 'Time to decide and commit one batch',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'fraud_consumer_lag',
      help: "Records not yet decided in each of the detector's partitions (end offset minus committed position), sampled every few seconds",
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
    }),
    kafkaTransactions: new Counter({
      name: 'fraud_kafka_transactions_total',
      help: 'Kafka transactions of exactly-once batches: committed, or aborted (including commits that could not be confirmed)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    logUp: new Gauge({
      name: 'fraud_log_up',
      help: 'Whether the log (Kafka brokers or the embedded database) answered the last health check: 1 or 0',
      registers: [registry],
    }),
    stateEntities: new Gauge({
      name: 'fraud_state_entities',
      help: 'Entities (accounts, cards, merchants, payees, devices, ips) held in memory; the rest are in the local store',
      registers: [registry],
    }),
    stateBytes: new Gauge({ name: 'fraud_state_memory_bytes', help: 'Estimated heap of the entities held in memory', registers: [registry] }),
    stateCheckpoints: new Counter({
      name: 'fraud_state_checkpoints_total',
      help: 'State checkpoints written to the local store (and, by the changelog writer, to the changelog)',
      registers: [registry],
    }),
    stateCheckpointEntities: new Counter({ name: 'fraud_state_checkpoint_entities_total', help: 'Entities written by checkpoints', registers: [registry] }),
    stateRewinds: new Counter({
      name: 'fraud_state_rewinds_total',
      help: 'Returns to the last checkpoint (a batch whose commit failed, or partitions that arrived behind the state), by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    lateDecisions: new Counter({
      name: 'fraud_late_decisions_total',
      help: 'Records decided with a state that had already moved past them (partitions taken over from a detector that lagged behind this one)',
      registers: [registry],
    }),
    labels: new Counter({
      name: 'fraud_labels_total',
      help: 'Labels read from the labels topic: applied to their transaction, of a transaction the detector does not know, or invalid',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    unknownChannels: new Counter({
      name: 'fraud_unknown_channel_values_total',
      help: 'Distinct channel values the ruleset vocabulary does not know (each reported once in the log)',
      registers: [registry],
    }),
    produced: new Counter({
      name: 'fraud_produced_total',
      help: 'Transactions written to the transactions topic by this process',
      registers: [registry],
    }),
    sseClients: new Gauge({ name: 'fraud_dashboard_clients', help: 'Open live-stream connections', registers: [registry] }),
    sseDropped: new Counter({
      name: 'fraud_dashboard_dropped_clients_total',
      help: 'Live-stream connections closed because the browser could not keep up',
      registers: [registry],
    }),
    sseSampled: new Counter({
      name: 'fraud_dashboard_sampled_total',
      help: 'Decisions not streamed to browsers because the feed was sampled under load (still counted in stats)',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
