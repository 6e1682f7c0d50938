import { z } from 'zod';
import { FraudError } from '../errors.ts';
import { DEFAULT_KAFKA_VERSION } from './paths.ts';

const MIN_HEAP_BYTES = 256 * 1024 ** 2;
const HEAP_PATTERN = /^([1-9][0-9]*)([mMgG])$/;

const Port = z
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const Millis = z.number().int().positive();

/** The data options of a local broker; defaults live here and nowhere else. */
export const LocalKafkaSettingsSchema = z
  .object({
    kafkaDir: z
      .string()
      .min(1, 'must not be empty')
      // Kafka splits log.dirs on commas, so such a path would silently become two data dirs.
      .refine((dir) => !dir.includes(','), 'must not contain a comma')
      .default('.kafka'),
    port: Port.default(9092),
    /** The KRaft controller's listener; defaults to port + 1. */
    controllerPort: Port.optional(),
    heap: z
      .string()
      .regex(HEAP_PATTERN, 'must be a size such as 512m or 2g')
      .refine((heap) => heapBytes(heap) >= MIN_HEAP_BYTES, 'must be at least 256m')
      .default('1g'),
    version: z
      .string()
      .regex(/^4\.[0-9]+\.[0-9]+$/, 'must be a Kafka 4.x version such as 4.4.0')
      .default(DEFAULT_KAFKA_VERSION),
    readyTimeoutMs: Millis.default(90_000),
    stopTimeoutMs: Millis.default(30_000),
  })
  .superRefine((settings, ctx) => {
    if (settings.controllerPort !== undefined && settings.controllerPort === settings.port) {
      ctx.addIssue({ code: 'custom', path: ['controllerPort'], message: 'must differ from the client port' });
    }
    if (settings.controllerPort === undefined && settings.port === 65535) {
      ctx.addIssue({ code: 'custom', path: ['port'], message: '65535 leaves no port + 1 for the controller; set a controller port' });
    }
  });

export type LocalKafkaSettings = z.input<typeof LocalKafkaSettingsSchema>;

/** Settings plus what is not data: the environment (PATH, JAVA_HOME, cache dirs), the working dir and progress output. */
export interface LocalKafkaOptions extends LocalKafkaSettings {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onProgress?: (message: string) => void;
}

export interface ResolvedLocalKafkaOptions {
  kafkaDir: string;
  port: number;
  controllerPort: number;
  heap: string;
  version: string;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  onProgress: (message: string) => void;
}

/** Validates every option at once, so a user sees all problems in one FRAUD_USAGE error. */
export function resolveLocalKafkaOptions(options: LocalKafkaOptions = {}): ResolvedLocalKafkaOptions {
  const parsed = LocalKafkaSettingsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
    throw new FraudError('FRAUD_USAGE', 'invalid local Kafka options', { problems });
  }
  const settings = parsed.data;
  return {
    ...settings,
    controllerPort: settings.controllerPort ?? settings.port + 1,
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    onProgress: options.onProgress ?? (() => undefined),
  };
}

export function heapBytes(heap: string): number {
  const match = HEAP_PATTERN.exec(heap);
  if (!match) return Number.NaN;
  const unit = match[2]?.toLowerCase() === 'g' ? 1024 ** 3 : 1024 ** 2;
  return Number(match[1]) * unit;
}
