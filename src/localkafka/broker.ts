import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FraudError } from '../errors.ts';
import { errnoCode, lastLines, readFileTail } from './exec.ts';
import type { KafkaDirLayout } from './paths.ts';
import type { KafkaRuntime } from './tools.ts';

/** The JVM flags of Kafka's own kafka-server-start.sh, with the heap fixed (-Xms = -Xmx) by --heap. */
export function brokerJavaArgs(runtime: KafkaRuntime, layout: KafkaDirLayout, heap: string): string[] {
  return [
    `-Xmx${heap}`,
    `-Xms${heap}`,
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    // A broker that ran out of memory is broken; dying lets `status` say so instead of hanging clients.
    '-XX:+ExitOnOutOfMemoryError',
    `-XX:ErrorFile=${layout.logsDir}/hs_err_pid%p.log`,
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${layout.logsDir}`,
    `-Dlog4j2.configurationFile=${layout.brokerLog4j}`,
    '-cp',
    runtime.classpath,
    'kafka.Kafka',
    layout.serverProperties,
  ];
}

/**
 * Starts the broker in its own process group with its output in a file and lets go of
 * it, so the command that started it can exit while the broker keeps running.
 */
export async function spawnBroker(runtime: KafkaRuntime, layout: KafkaDirLayout, heap: string): Promise<number> {
  const output = await open(layout.stdoutLog, 'a');
  try {
    const child = spawn(runtime.java, brokerJavaArgs(runtime, layout, heap), {
      cwd: layout.root,
      env: runtime.env,
      detached: true,
      stdio: ['ignore', output.fd, output.fd],
    });
    const spawned = new Promise<number>((resolvePid, reject) => {
      child.once('spawn', () => resolvePid(child.pid ?? 0));
      child.once('error', (cause) => reject(new FraudError('FRAUD_KAFKA_SETUP', `cannot start ${runtime.java}`, { cause })));
    });
    const pid = await spawned;
    child.unref();
    return pid;
  } finally {
    // The child holds its own copy of the descriptor; ours is no longer needed.
    await output.close();
  }
}

/**
 * True when pid is alive and is the broker of this kafka dir. The command line check
 * keeps a stale pid file, whose number the system gave to another process since, from
 * being taken for a running broker (and from `stop` signalling a stranger).
 */
export function isBrokerProcess(pid: number, layout: KafkaDirLayout): boolean {
  if (!processExists(pid)) return false;
  const procDir = `/proc/${pid}`;
  if (!existsSync('/proc/self')) return true; // no procfs (macOS): existence is all we can check
  try {
    if (processState(readFileSync(`${procDir}/stat`, 'utf8')) === 'Z') return false; // exited, not yet reaped
    const commandLine = readFileSync(`${procDir}/cmdline`, 'utf8').split('\0');
    return commandLine.includes('kafka.Kafka') && commandLine.includes(layout.serverProperties);
  } catch {
    return false; // it exited between the checks
  }
}

/** `/proc/PID/stat` is "pid (command) S …"; the command may itself contain ") ", hence the last one. */
function processState(stat: string): string | undefined {
  return stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user; the command line check below then fails.
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * SIGTERM first: Kafka then closes its logs cleanly and the next start skips log recovery.
 * SIGKILL only when it has not exited within timeoutMs.
 */
export async function terminateBroker(pid: number, layout: KafkaDirLayout, timeoutMs: number): Promise<'SIGTERM' | 'SIGKILL'> {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, layout, timeoutMs)) return 'SIGTERM';
  signal(pid, 'SIGKILL');
  if (await waitForExit(pid, layout, 10_000)) return 'SIGKILL';
  throw new FraudError('FRAUD_KAFKA_SETUP', `the broker (pid ${pid}) survived SIGKILL`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (errnoCode(error) !== 'ESRCH') throw error; // already gone is fine
  }
}

async function waitForExit(pid: number, layout: KafkaDirLayout, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isBrokerProcess(pid, layout)) {
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
  return true;
}

/** The end of the broker's logs, for errors: the JVM's own output first (crashes), then log4j's. */
export async function brokerLogTail(layout: KafkaDirLayout, lines = 20): Promise<string[]> {
  const tails: string[] = [];
  for (const file of [layout.stdoutLog, layout.serverLog]) {
    if (!existsSync(file)) continue;
    const tail = lastLines(await readFileTail(file, 64 * 1024), lines);
    if (tail.length > 0) tails.push(`last lines of ${file}:`, ...tail);
  }
  return tails;
}
