import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireKafka, type StageContext } from './context.ts';
import { DAY_MS, populationRatePerSecond } from '../generator/pace.ts';
import { DEFAULT_CUSTOMERS } from '../generator/traffic.ts';
import type { PeerFigures } from './types.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The Kafka Streams peer: the detector's job written as a Java team would (Kafka Streams,
 * RocksDB store with a changelog, exactly-once v2), in `../shared/peers/kstreams` beside
 * the checkout, or FRAUD_KSTREAMS_PEER_DIR. Not part of the package: where it is absent
 * the stage says so and measures nothing.
 */
export function peerDir(): string | undefined {
  const candidates = [process.env.FRAUD_KSTREAMS_PEER_DIR, join(ROOT, '..', 'shared', 'peers', 'kstreams'), join(ROOT, '..', '..', 'shared', 'peers', 'kstreams')];
  return candidates.filter((dir): dir is string => dir !== undefined).find((dir) => existsSync(join(dir, 'run.sh')));
}

/**
 * Where the peer's input starts: early enough that it ends before now. `run.sh` dates a
 * long stream from N/100 seconds ago (a generator of 100 transactions per simulated
 * second), but `fraud produce --count N` follows its population's pace (600,000 payments
 * of 50,000 customers span 18 days), and the peer writes its outputs at event time: the
 * broker refuses records more than an hour ahead (log.message.timestamp.after.max.ms).
 */
function startTime(records: number): string {
  const spanMs = (records / populationRatePerSecond(DEFAULT_CUSTOMERS)) * 1000;
  return new Date(Date.now() - spanMs - DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
}

const LINE = /kstreams (\w+) (\w+): (\d+) records in ([\d.]+) s = ([\d.]+)\/s/;

/**
 * Stage (l): the peer's `run.sh windowed exactly_once_v2 N` on this run's broker, with the
 * input written by our own `fraud produce`: its rate from first record to last commit, and
 * its own check that the outputs hold each input once. Stage c measures our detector on
 * the same broker in the same run; the report divides one by the other.
 */
export async function runPeerStage(context: StageContext): Promise<PeerFigures> {
  const dir = peerDir();
  if (!dir) return { available: false, reason: 'no Kafka Streams peer beside the checkout (../shared/peers/kstreams, or FRAUD_KSTREAMS_PEER_DIR)' };
  const kafka = requireKafka(context);
  const records = context.sizes.peerRecords;
  context.progress.begin('  l Kafka Streams peer, windowed, exactly_once_v2', records, 'records');
  const child = spawn('bash', [join(dir, 'run.sh'), 'windowed', 'exactly_once_v2', String(records)], {
    cwd: ROOT,
    env: { ...process.env, BROKER: kafka.brokers, CLONE: ROOT, START_TIME: startTime(records) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const onAbort = (): void => void child.kill('SIGTERM');
  context.signal.addEventListener('abort', onAbort, { once: true });
  const [code] = (await once(child, 'close').finally(() => context.signal.removeEventListener('abort', onAbort))) as [number | null];
  const match = LINE.exec(out);
  const check = out.split('\n').find((line) => /^(OK|FAIL)/.test(line)) ?? '';
  // run.sh exits 1 also when its own read-back check fails (a console consumer that timed
  // out early): the peer's rate stands, and the check is reported beside it as it said it.
  if (!match) throw new Error(`the peer's run.sh exited with ${code}: ${(out + err).trim().split('\n').slice(-4).join(' | ')}`);
  context.progress.end(`${match[5]}/s`);
  return {
    available: true,
    mode: `${match[1]} ${match[2]}`,
    records: Number(match[3]),
    seconds: Number(match[4]),
    recordsPerSec: Math.round(Number(match[5])),
    check: check.trim(),
  };
}
