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

/** Most brokers a local cluster may have: each is a JVM on this machine. */
export const MAX_LOCAL_BROKERS = 9;

/** The storage tool reads `name=…,password=…` inside brackets: neither may hold a comma or a bracket. */
const ScramUserSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ".", "_" or "-"'),
  password: z.string().regex(/^[^,[\]=\s]+$/, 'must be non-empty, without spaces, ",", "=", "[" or "]"'),
});

/**
 * A client listener with TLS and SASL/SCRAM-SHA-512 beside the plaintext one, for trying
 * (and testing) the product against a broker that requires both. Single node only.
 */
const SecureListenerSchema = z.object({
  port: Port,
  /** PKCS12 key store holding the broker's key and certificate chain. */
  keystoreFile: z.string().min(1),
  keystorePassword: z.string().min(6, 'must be at least 6 characters (keytool refuses shorter)'),
  /** SCRAM-SHA-512 users written into the metadata when the storage is formatted. */
  scramUsers: z.array(ScramUserSchema).default([]),
});

export type SecureListener = z.infer<typeof SecureListenerSchema>;

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
    /**
     * Brokers: 1 is a single node that is broker and controller at once; more is one KRaft
     * controller and that many brokers. Unset: what the kafka dir already holds, else 1.
     */
    brokers: z.number().int('must be a whole number').min(1, `must be from 1 to ${MAX_LOCAL_BROKERS}`).max(MAX_LOCAL_BROKERS, `must be from 1 to ${MAX_LOCAL_BROKERS}`).optional(),
    /** The KRaft controller's listener; defaults to the port after the brokers' (port + 1 for one node). */
    controllerPort: Port.optional(),
    secure: SecureListenerSchema.optional(),
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
    const brokers = settings.brokers ?? 1;
    const clientPorts = Array.from({ length: brokers }, (_, i) => settings.port + i);
    if (settings.controllerPort !== undefined && clientPorts.includes(settings.controllerPort)) {
      ctx.addIssue({ code: 'custom', path: ['controllerPort'], message: brokers === 1 ? 'must differ from the client port' : `must differ from the brokers' ports ${clientPorts.join(', ')}` });
    }
    const last = settings.port + brokers - 1 + (settings.controllerPort === undefined ? 1 : 0);
    if (last > 65535) {
      ctx.addIssue({ code: 'custom', path: ['port'], message: `${settings.port} leaves no room for ${brokers} broker port(s)${settings.controllerPort === undefined ? ' and the controller port after them' : ''}` });
    }
    if (settings.secure !== undefined && brokers > 1) {
      ctx.addIssue({ code: 'custom', path: ['secure'], message: 'a secure listener is only available on a single node' });
    }
    if (settings.secure !== undefined && [...clientPorts, settings.controllerPort ?? settings.port + brokers].includes(settings.secure.port)) {
      ctx.addIssue({ code: 'custom', path: ['secure', 'port'], message: 'must differ from the client and controller ports' });
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
  /** Undefined when not asked for: the kafka dir's own mode decides (lifecycle.ts). */
  brokers: number | undefined;
  controllerPort: number;
  /** Whether the controller port was given, or derived from port and brokers. */
  controllerPortGiven: boolean;
  secure: SecureListener | undefined;
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
    controllerPort: settings.controllerPort ?? settings.port + (settings.brokers ?? 1),
    controllerPortGiven: settings.controllerPort !== undefined,
    brokers: settings.brokers,
    secure: settings.secure,
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
