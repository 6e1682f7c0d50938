/**
 * The figures `fraud bench` measures, as `--json` prints them. Rates are records per
 * second; MB is 2^20 bytes, as Kafka's own tools count it; latencies are milliseconds.
 */

export const STAGES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'] as const;
export type StageId = (typeof STAGES)[number];

/** One run of a Kafka performance tool, as the tool reported it. */
export interface ToolRun {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  /** ProducerPerformance only: send-to-acknowledgement latency of its records. */
  latencyMs?: { avg: number; p50: number; p99: number; p999: number; max: number };
}

export interface KafkaToolFigures {
  /** Plain producer, acks=all, idempotent (Kafka 4 defaults), steady state after its warm-up records. */
  producer: ToolRun;
  /** The same producer committing a transaction every `transactionMs`. */
  transactionalProducer: ToolRun & { transactionMs: number };
  /** Fetch rate of ConsumerPerformance, group join excluded. */
  consumer: ToolRun;
}

export interface ClientFigures {
  /** Generated transactions through `produceItems` and the Log's producer, as `fraud produce --rate 0` sends them. */
  producer: { records: number; recordsPerSec: number; mbPerSec: number };
  /** The generator and JSON alone, no log: how much of the producer's time is ours. */
  generatorOnlyPerSec: number;
  /** A group consumer of the Log polling batches of 500 and doing nothing with them. */
  consumer: { records: number; recordsPerSec: number; mbPerSec: number };
}

export interface DetectorRunFigures {
  mode: 'at-least-once' | 'exactly-once';
  records: number;
  /** Rate after the first 10% of records were committed (group join, first fetch and JIT warm-up excluded). */
  recordsPerSec: number;
  /** N divided by the time from calling runDetector to the last commit. */
  overallPerSec: number;
  /** From calling runDetector to its first committed batch. */
  startupMs: number;
  batches: number;
  /** Where a CPU profile of the timed run was written, with its heaviest functions. */
  profile?: ProfileSummary;
}

export interface ProfileSummary {
  file: string;
  /** Self time by part of the pipeline (our modules, the Kafka client, GC, idle...), heaviest first. */
  parts: Array<{ part: string; selfPct: number }>;
  /** Functions by self time, heaviest first. */
  top: Array<{ name: string; where: string; selfPct: number }>;
}

export interface LatencyRun {
  log: 'kafka' | 'embedded';
  mode: 'at-least-once' | 'exactly-once';
  targetPerSec: number;
  /** Transactions handed to the producer per second during the measured window. */
  achievedPerSec: number;
  /** Decisions read per second during the window. */
  decidedPerSec: number;
  seconds: number;
  samples: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Sent but not yet decided when the window closed, and that many seconds of input. */
  backlogAtEnd: number;
  backlogSeconds: number;
  /** Still not decided after the drain timeout. */
  undecided: number;
  /** Input rate reached, output kept up (backlog under a second), nothing lost. */
  sustained: boolean;
}

export interface EmbeddedFigures {
  detector: DetectorRunFigures;
  latency: LatencyRun;
}

export interface MemoryFigures {
  accounts: number;
  /** Keys of every kind held (accounts, cards, devices, ips, payees). */
  keys: number;
  /** Heap held per account, its card, device and ip keys included. */
  heapBytesPerAccount: number;
  /** The same accounts paying without card, device or ip: the account's own entry. */
  accountOnlyHeapBytesPerAccount: number;
  rssBytesPerAccount: number;
  heapUsedMb: number;
  rssMb: number;
  /** Transactions per second through observe() while the state grew (one thread, no log, no rules). */
  observePerSec: number;
}

export interface DashboardFigures {
  targetPerSec: number;
  /** Decisions written to the output topics per second during the window. */
  sentPerSec: number;
  /** Share of review and fraud among them (the labelled scenario mix): the page gets all of these. */
  flaggedShare: number;
  /** Decisions the dashboard server read per second (its /api/stats count). */
  consumedPerSec: number;
  /** Events per second the open page received (all SSE event types), and decisions among them. */
  pageEventsPerSec: number;
  pageDecisionsPerSec: number;
  /** 'chromium' when the load probe measured a real page, 'http' for a plain SSE client. */
  client: 'chromium' | 'http';
  cpuPercent: { mean: number; max: number };
  rssMb: { mean: number; max: number };
  seconds: number;
}

/** One fixed-rate, open-loop run of the load generator against POST /v1/decisions. */
export interface ApiRun {
  log: 'kafka' | 'embedded';
  targetPerSec: number;
  /** Answers per second received. */
  achievedPerSec: number;
  seconds: number;
  connections: number;
  /** Answers received, and the 2xx among them (decisions). */
  requests: number;
  decided: number;
  /** Answers by HTTP status (503: the fallback, past the deadline; 429: overloaded). */
  statuses: Record<string, number>;
  /** Connection errors, timeouts, and requests not sent because 2 s of them were already waiting. */
  errors: number;
  /** Of the 2xx answers, from when each request was due (open loop: no coordinated omission), in ms. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** The rate reached (95%), every request decided (all 2xx), no error. */
  sustained: boolean;
  /**
   * CPU time per answered request of `fraud detect`, `fraud api` and the bench process
   * (the load generator), in ms: what the machine must give per decision, whatever else runs on it.
   * The broker's share is included when it is the bench's own local broker.
   */
  cpuMsPerRequest?: { detector: number; api: number; loadGenerator: number; broker?: number };
}

export interface ApiLogFigures {
  log: 'kafka' | 'embedded';
  /** At the fixed rates (500, 1,000, 2,000/s). */
  runs: ApiRun[];
  /** The rising rates tried after them, up to the first not sustained or with p99 ≥ 50 ms. */
  ladder: ApiRun[];
  /** The highest rate sustained with p99 under 50 ms (0 when none was). */
  maxSustainedPerSec: number;
}

/** Medians over the runs of one command, each a whole process from spawn to exit. */
export interface ProcessRuns {
  wallMs: number;
  /** User plus system CPU time of the process. */
  cpuMs: number;
  maxRssMb: number;
  minWallMs: number;
}

export interface StartupFigures {
  runs: number;
  node: string;
  commands: {
    /** `node -e 0`: what any Node program pays on this machine. */
    nodeBaseline: ProcessRuns;
    /** `fraud --help`. */
    help: ProcessRuns;
    /** `fraud consume --count 1 --from-beginning` on an embedded log holding one record. */
    consumeOne: ProcessRuns;
  };
}

export interface WorkloadFigures {
  /** Mean, min and max bytes of a generated transaction's JSON. */
  meanBytes: number;
  minBytes: number;
  maxBytes: number;
}

export interface BenchFigures {
  kafkaTools?: KafkaToolFigures;
  clients?: ClientFigures;
  detector?: { atLeastOnce: DetectorRunFigures; exactlyOnce: DetectorRunFigures };
  latency?: LatencyRun[];
  embedded?: EmbeddedFigures;
  memory?: MemoryFigures;
  stateScale?: StateScaleFigures;
  dashboard?: DashboardFigures;
  api?: ApiLogFigures[];
  startup?: StartupFigures;
  backtest?: BacktestFigures;
  peer?: PeerFigures;
}

/** Stage k: `fraud backtest` of a velocity threshold change over a generated history file. */
export interface BacktestFigures {
  records: number;
  seconds: number;
  recordsPerSec: number;
  /** CPU time of the run: records per CPU second is steadier than wall time on a busy machine. */
  cpuSeconds: number;
  recordsPerCpuSec: number;
  changed: number;
  baselineAlerts: number;
  candidateAlerts: number;
  /** 1: both rulesets on one pass of the feature code. */
  featurePasses: number;
}

export interface StageFailure {
  stage: StageId;
  error: string;
}

export interface BenchResult {
  quick: boolean;
  startedAt: string;
  seconds: number;
  machine: { cpus: number; node: string; platform: string };
  /** Bootstrap address, and whether the bench started that broker itself. */
  kafka?: { brokers: string; startedByBench: boolean; version?: string };
  workload: WorkloadFigures;
  stages: StageId[];
  figures: BenchFigures;
  /** Seconds each stage took. */
  stageSeconds: Partial<Record<StageId, number>>;
  /**
   * The machine's 1-minute load average when each stage ended: other programs' work shows
   * here, and figures of stages run under a higher load are lower for it.
   */
  stageLoad: Partial<Record<StageId, number>>;
  failures: StageFailure[];
}

/** Stage h: the state of many accounts with 90 days of history each, and a restart on it. */
export interface StateScaleFigures {
  accounts: number;
  payments: number;
  /** Entities in the local store (accounts, cards, devices, ips, merchants). */
  entities: number;
  /** Of them, held in memory at the end (the rest are read from the local store when needed). */
  inMemory: number;
  memoryBudgetMb: number;
  heapBytesPerAccount: number;
  rssBytesPerAccount: number;
  diskBytesPerAccount: number;
  diskMb: number;
  /** Payments applied per second while building (feature path, store, checkpoints). */
  buildPerSec: number;
  /** From launching `fraud detect` on that state to its first committed decisions. */
  restartFirstDecisionMs: number;
  restartAllMs: number;
  restartRecords: number;
}

/** Stage l: the Kafka Streams peer (../shared/peers/kstreams) on the same broker, when it is there. */
export type PeerFigures =
  | { available: false; reason: string }
  | {
      available: true;
      /** The peer's mode and guarantee, e.g. "windowed exactly_once_v2". */
      mode: string;
      records: number;
      /** From its first record to its last commit, as the peer measures itself. */
      seconds: number;
      recordsPerSec: number;
      /** The peer's own check of its outputs (each input once, read_committed). */
      check: string;
    };
