import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openEmbeddedLog } from '../log/embedded/index.ts';
import { FRAUD_BIN } from './child.ts';
import type { StageContext } from './context.ts';
import { throwIfInterrupted } from './context.ts';
import type { ProcessRuns, StartupFigures } from './types.ts';

/**
 * Reports the child's own CPU time and peak RSS on fd 3 as it exits: the one measure of a
 * whole process that Node gives without a wrapper such as /usr/bin/time. Preloaded the same
 * way into every command measured, `node -e 0` included, so its small cost cancels out.
 * The peak is Linux's VmHWM (this process's own memory): `maxRSS` (getrusage) survives
 * exec, so a child of a bench grown to 400 MB reported 400 MB.
 */
const REPORT_USAGE = `data:text/javascript,${encodeURIComponent(
  "import{writeSync,readFileSync}from'node:fs';const hwm=()=>{try{const m=/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status','utf8'));return m?Number(m[1]):undefined}catch{return undefined}};process.on('exit',()=>{const u=process.resourceUsage();writeSync(3,JSON.stringify({cpuMs:(u.userCPUTime+u.systemCPUTime)/1000,maxRssKb:hwm()??u.maxRSS}))})",
)}`;

interface OneRun {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  stdout: string;
}

/**
 * Stage (h): how long a command takes as a whole process, from spawn to exit, beside
 * `node -e 0` on the same machine: `fraud --help`, and `fraud consume --count 1` reading
 * one record of the embedded log (open the file, join nothing, print, close). One warm-up
 * run each fills the disk cache and Node's compile cache; the figures are medians.
 */
export async function runStartupStage(context: StageContext): Promise<StartupFigures> {
  const runs = context.sizes.startupRuns;
  const dataDir = join(context.tempDir, 'startup');
  await oneRecord(dataDir);
  const commands: Array<[keyof StartupFigures['commands'], string[]]> = [
    ['nodeBaseline', ['-e', '0']],
    ['help', [FRAUD_BIN, '--help']],
    ['consumeOne', [FRAUD_BIN, 'consume', '--data-dir', dataDir, '--topic', 'startup', '--from-beginning', '--count', '1']],
  ];
  context.progress.begin('h start-up of fraud commands', commands.length * (runs + 1), 'runs');
  const measured: Partial<StartupFigures['commands']> = {};
  let done = 0;
  for (const [name, args] of commands) {
    const samples: OneRun[] = [];
    for (let run = 0; run <= runs; run++) {
      throwIfInterrupted(context.signal);
      const sample = await timeProcess(args);
      if (name === 'consumeOne' && sample.stdout.trim() !== '{"startup":true}') throw new Error(`fraud consume printed ${JSON.stringify(sample.stdout)} instead of the record`);
      if (run > 0) samples.push(sample); // the first one warms up
      context.progress.update(++done);
    }
    measured[name] = summarise(samples);
  }
  const figures: StartupFigures = { runs, node: process.version, commands: measured as StartupFigures['commands'] };
  context.progress.end(
    `--help ${figures.commands.help.wallMs} ms, consume --count 1 ${figures.commands.consumeOne.wallMs} ms, node -e 0 ${figures.commands.nodeBaseline.wallMs} ms (medians)`,
  );
  return figures;
}

async function oneRecord(dataDir: string): Promise<void> {
  const log = openEmbeddedLog({ dataDir });
  try {
    await log.ensureTopics([{ name: 'startup', partitions: 1 }]);
    const producer = await log.createProducer();
    await producer.send([{ topic: 'startup', value: '{"startup":true}' }]);
    await producer.close();
  } finally {
    await log.close();
  }
}

function timeProcess(args: string[]): Promise<OneRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // NO_COLOR and LOG_LEVEL keep the output as a script would see it; nothing else of ours changes.
    const child = spawn(process.execPath, ['--import', REPORT_USAGE, ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    let usage = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdio[3]?.on('data', (chunk: Buffer) => (usage += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited with ${String(code)}: ${stderr.trim().slice(-500)}`));
      try {
        const { cpuMs, maxRssKb } = JSON.parse(usage) as { cpuMs: number; maxRssKb: number };
        resolve({ wallMs, cpuMs, maxRssKb, stdout });
      } catch {
        reject(new Error(`node ${args.join(' ')} reported no resource usage`));
      }
    });
  });
}

function summarise(samples: OneRun[]): ProcessRuns {
  return {
    wallMs: Math.round(median(samples.map((sample) => sample.wallMs))),
    cpuMs: Math.round(median(samples.map((sample) => sample.cpuMs))),
    maxRssMb: Math.round(median(samples.map((sample) => sample.maxRssKb)) / 1024),
    minWallMs: Math.round(Math.min(...samples.map((sample) => sample.wallMs))),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
