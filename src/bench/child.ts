import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../config/settings.ts';
import { FraudError } from '../errors.ts';
import type { PipelineTopics } from './topics.ts';

export const FRAUD_BIN = fileURLToPath(new URL('../../bin/fraud.js', import.meta.url));
const STOP_TIMEOUT_MS = 15_000;
const KEPT_OUTPUT = 8192;

/** A `fraud` command run by the bench as its own process, as it runs in production. */
export interface FraudChild {
  pid: number;
  /** The first line it printed on stdout (the dashboard prints its URL there). */
  firstLine: Promise<string>;
  /** Throws, with the end of its output, if it has exited. */
  assertAlive(): void;
  /** SIGTERM (it finishes its batch), SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
}

/**
 * The child's environment: ours without any setting of the pipeline (a KAFKA_BROKER_URL
 * or DETECTOR_BATCH_SIZE of the user's would change what is measured), plus the topics.
 */
export function childEnv(topics: PipelineTopics): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const setting of SETTINGS) delete env[setting.env];
  delete env.FRAUD_CONFIG;
  return {
    ...env,
    TRANSACTIONS_TOPIC: topics.transactions,
    LEGIT_TOPIC: topics.legit,
    FRAUD_TOPIC: topics.fraud,
    DEAD_LETTER_TOPIC: topics.deadLetter,
    RULES_TOPIC: topics.rules,
    LABELS_TOPIC: topics.labels,
    FEEDBACK_TOPIC: topics.feedback,
    AUDIT_TOPIC: topics.audit,
    LOG_LEVEL: 'warn',
    // A child that fails shows its cause and stack: the bench reports the end of its output.
    FRAUD_DEBUG: '1',
  };
}

export function spawnFraud(args: string[], env: NodeJS.ProcessEnv): FraudChild {
  const child = spawn(process.execPath, [FRAUD_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stderr.on('data', keep);
  const firstLine = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      keep(chunk);
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end).trim());
    });
    child.once('exit', () => reject(exitedError(args, output)));
  });
  firstLine.catch(() => undefined); // read only by callers that want it; a rejection is reported by assertAlive
  return {
    pid: child.pid ?? 0,
    firstLine,
    assertAlive: () => {
      if (child.exitCode !== null || child.signalCode !== null) throw exitedError(args, output);
    },
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function exitedError(args: string[], output: string): FraudError {
  const lines = output.trim().split(/\r?\n/).slice(-8);
  return new FraudError('FRAUD_INTERNAL', `\`fraud ${args[0] ?? ''}\` exited early`, { problems: lines });
}
