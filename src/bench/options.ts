import { z } from 'zod';
import { STAGES, type StageId } from './types.ts';

/** How much each stage does. The full bench takes minutes; `--quick` stays under two. */
export interface Sizes {
  /** Records of ProducerPerformance and ConsumerPerformance (plus their warm-up). */
  toolRecords: number;
  toolWarmupRecords: number;
  /** Records through our producer and consumer (stage b). */
  clientRecords: number;
  /** Pre-filled transactions per detector run (stage c). */
  detectorRecords: number;
  /** Input rates of the end-to-end latency stage, at least once. */
  latencyRates: number[];
  /** Also exactly-once at the first rate. */
  latencyExactlyOnce: boolean;
  latencySeconds: number;
  latencyWarmupSeconds: number;
  embeddedRecords: number;
  embeddedLatencySeconds: number;
  memoryAccounts: number;
  /** Stage h: accounts in the state, payments of each over 90 days, memory budget. */
  stateAccounts: number;
  statePayments: number;
  stateMemoryMb: number;
  dashboardRate: number;
  dashboardSeconds: number;
  dashboardWarmupSeconds: number;
  /** Request rates of the decision API stage, and seconds at each (after a warm-up). */
  apiRates: number[];
  apiSeconds: number;
  apiWarmupSeconds: number;
  /** Rising rates tried after them, each for `apiLadderSeconds`, up to the first that fails. */
  apiLadder: number[];
  apiLadderSeconds: number;
  /** Measured runs of each command of the start-up stage (after one warm-up run). */
  startupRuns: number;
  /** Stage k: records of the backtested history. */
  backtestRecords: number;
  /** Stage l: records through the Kafka Streams peer (the issue's figure is at 600,000: JIT warm-up weighs on short runs). */
  peerRecords: number;
}

export const FULL_SIZES: Sizes = {
  toolRecords: 500_000,
  toolWarmupRecords: 50_000,
  clientRecords: 500_000,
  detectorRecords: 500_000,
  latencyRates: [1000, 5000, 10_000],
  latencyExactlyOnce: true,
  latencySeconds: 25,
  latencyWarmupSeconds: 5,
  embeddedRecords: 300_000,
  embeddedLatencySeconds: 20,
  memoryAccounts: 1_000_000,
  stateAccounts: 1_000_000,
  statePayments: 12,
  stateMemoryMb: 1024,
  dashboardRate: 10_000,
  dashboardSeconds: 20,
  dashboardWarmupSeconds: 3,
  apiRates: [500, 1000, 2000],
  apiSeconds: 10,
  apiWarmupSeconds: 30,
  apiLadder: [3000, 4000, 5000, 6000, 8000],
  apiLadderSeconds: 5,
  startupRuns: 10,
  backtestRecords: 300_000,
  peerRecords: 600_000,
};

export const QUICK_SIZES: Sizes = {
  toolRecords: 50_000,
  toolWarmupRecords: 10_000,
  clientRecords: 50_000,
  detectorRecords: 40_000,
  latencyRates: [1000, 5000, 10_000],
  latencyExactlyOnce: false,
  latencySeconds: 3,
  latencyWarmupSeconds: 1,
  embeddedRecords: 20_000,
  embeddedLatencySeconds: 3,
  memoryAccounts: 100_000,
  stateAccounts: 20_000,
  statePayments: 4,
  stateMemoryMb: 64,
  dashboardRate: 10_000,
  dashboardSeconds: 4,
  dashboardWarmupSeconds: 1,
  apiRates: [500, 1000, 2000],
  apiSeconds: 1,
  apiWarmupSeconds: 1,
  apiLadder: [3000],
  apiLadderSeconds: 1,
  startupRuns: 5,
  backtestRecords: 20_000,
  peerRecords: 50_000,
};

const count = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1000, 'must be at least 1000'));
const seconds = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(600));

/** The bench's own flags; it takes no settings file or environment: it measures the defaults. */
export const BenchFlagsSchema = z.object({
  brokers: z
    .string()
    .regex(/^[^\s:,]+:\d{1,5}(,[^\s:,]+:\d{1,5})*$/, 'must be HOST:PORT[,HOST:PORT...]')
    .optional(),
  quick: z.boolean().default(false),
  only: z.string().optional().transform((text, context) => parseStages(text, context)),
  json: z.boolean().default(false),
  records: count.optional(),
  latencySeconds: seconds.optional(),
  cpuProf: z.string().min(1).optional(),
  stateAccounts: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(100)).optional(),
  statePayments: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(1000)).optional(),
});

export type BenchFlags = z.infer<typeof BenchFlagsSchema>;

export interface BenchOptions {
  brokers?: string[];
  quick: boolean;
  stages: StageId[];
  json: boolean;
  sizes: Sizes;
  /** Folder for CPU profiles of the timed detector runs. */
  cpuProfDir?: string;
}

function parseStages(text: string | undefined, context: z.RefinementCtx): StageId[] {
  if (text === undefined) return [...STAGES];
  const wanted = text.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part.length > 0);
  const unknown = wanted.filter((part) => !(STAGES as readonly string[]).includes(part));
  if (unknown.length > 0 || wanted.length === 0) {
    context.addIssue({ code: 'custom', message: `must list stages among ${STAGES.join(',')}${unknown.length > 0 ? `, got ${unknown.join(',')}` : ''}` });
    return [];
  }
  // Always in stage order: later stages compare with the figures of earlier ones.
  return STAGES.filter((stage) => wanted.includes(stage));
}

/** Sizes of the chosen profile, with `--records` and `--latency-seconds` applied. */
export function benchOptions(flags: BenchFlags): BenchOptions {
  const base = flags.quick ? QUICK_SIZES : FULL_SIZES;
  const sizes: Sizes = { ...base };
  if (flags.records !== undefined) {
    const records = flags.records;
    Object.assign(sizes, {
      toolRecords: records,
      toolWarmupRecords: Math.max(1000, Math.round(records / 10)),
      clientRecords: records,
      detectorRecords: records,
      embeddedRecords: records,
      backtestRecords: records,
      peerRecords: records,
    });
  }
  if (flags.latencySeconds !== undefined) {
    Object.assign(sizes, {
      latencySeconds: flags.latencySeconds,
      latencyWarmupSeconds: Math.min(sizes.latencyWarmupSeconds, flags.latencySeconds),
      embeddedLatencySeconds: flags.latencySeconds,
      dashboardSeconds: Math.max(2, flags.latencySeconds),
      apiSeconds: flags.latencySeconds,
    });
  }
  if (flags.stateAccounts !== undefined) sizes.stateAccounts = flags.stateAccounts;
  if (flags.statePayments !== undefined) sizes.statePayments = flags.statePayments;
  return {
    brokers: flags.brokers?.split(','),
    quick: flags.quick,
    stages: flags.only ?? [...STAGES],
    json: flags.json,
    sizes,
    cpuProfDir: flags.cpuProf,
  };
}
