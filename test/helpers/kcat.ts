import { spawn, spawnSync } from 'node:child_process';

/**
 * kcat (librdkafka's command line client): an independent Kafka client, to check that
 * what we write and read is plain Kafka, not something only our adapter understands.
 */
export const KCAT = process.env.FRAUD_TEST_KCAT ?? 'kcat';

/** Skip reason when kcat is missing (CI must have it: the caller does not skip there). */
export function kcatMissing(): string | undefined {
  const probe = spawnSync(KCAT, ['-V'], { stdio: 'ignore' });
  return probe.error || probe.status !== 0 ? `${KCAT} is not installed: apt-get install -y kcat` : undefined;
}

export interface KcatMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
}

/** Runs kcat with `input` on stdin; rejects with its stderr when it fails. */
function runKcat(args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(KCAT, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`kcat ${args.join(' ')} exited with ${code}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}

/**
 * Produces one message per entry, keyed, partitioned as Java clients do (murmur2), each
 * line `key<TAB>value`: values must not contain a newline, keys not a tab.
 */
export async function kcatProduce(brokers: string, topic: string, messages: Array<{ key: string; value: string }>): Promise<void> {
  const lines = messages.map(({ key, value }) => `${key}\t${value}\n`).join('');
  await runKcat(['-P', '-b', brokers, '-t', topic, '-K', '\t', '-X', 'partitioner=murmur2_random'], lines);
}

/** Every message of a topic as a read_committed consumer sees it, from the beginning to the current end. */
export async function kcatConsume(brokers: string, topic: string): Promise<KcatMessage[]> {
  const output = await runKcat(['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-q', '-J', '-X', 'isolation.level=read_committed']);
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as KcatMessage);
}
