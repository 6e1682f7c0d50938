import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireKafka, type StageContext } from './context.ts';
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
    env: { ...process.env, BROKER: kafka.brokers, CLONE: ROOT },
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
  if (code !== 0 || !match) {
    throw new Error(`the peer's run.sh exited with ${code}: ${(out + err).trim().split('\n').slice(-4).join(' | ')}`);
  }
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
