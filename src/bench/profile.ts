import { mkdir, writeFile } from 'node:fs/promises';
import { Session, type Profiler } from 'node:inspector/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProfileSummary } from './types.ts';

const TOP_FUNCTIONS = 15;
/** Microseconds between samples: finer than the default 1 ms, as a batch lasts a few ms. */
const SAMPLING_INTERVAL_US = 200;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningProfile {
  /** Stops, writes `<dir>/<name>.cpuprofile` (open it in Chrome DevTools) and summarizes it. */
  stop(): Promise<ProfileSummary>;
}

/**
 * A CPU profile of this process's main thread over a span of the bench, as `node
 * --cpu-prof` would take of the whole run, but only of the timed part.
 */
export async function startProfile(dir: string, name: string): Promise<RunningProfile> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      try {
        const { profile } = await session.post('Profiler.stop');
        await mkdir(dir, { recursive: true });
        const file = join(dir, `${name}.cpuprofile`);
        await writeFile(file, JSON.stringify(profile));
        return { file, parts: selfTimeByPart(profile), top: topFunctions(profile) };
      } finally {
        session.disconnect();
      }
    },
  };
}

/** Self time per function (name and place), heaviest first, as a share of the sampled time. */
export function topFunctions(profile: Profiler.Profile, count = TOP_FUNCTIONS): ProfileSummary['top'] {
  const shares = sharesBy(profile, (name, where) => `${name}\u0000${where}`);
  return shares.slice(0, count).map(({ key, pct }) => {
    const [name = '', where = ''] = key.split('\u0000');
    return { name, where, selfPct: pct };
  });
}

/** Self time per part of the pipeline: which layer to optimise first. */
export function selfTimeByPart(profile: Profiler.Profile): ProfileSummary['parts'] {
  return sharesBy(profile, partOf).map(({ key, pct }) => ({ part: key, selfPct: pct }));
}

/** Groups the sampled self time of the profile's nodes by a key of (function name, place). */
function sharesBy(profile: Profiler.Profile, keyOf: (name: string, where: string) => string): Array<{ key: string; pct: number }> {
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // From 1: the first sample's delta is the time Profiler.start itself took, not the run's.
  for (let i = 1; i < samples.length; i++) {
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  const byKey = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const key = keyOf(node.callFrame.functionName || '(anonymous)', placeOf(node.callFrame.url, node.callFrame.lineNumber));
    byKey.set(key, (byKey.get(key) ?? 0) + us);
  }
  return [...byKey]
    .sort((a, b) => b[1] - a[1])
    .map(([key, us]) => ({ key, pct: total > 0 ? Math.round((us / total) * 1000) / 10 : 0 }));
}

/** First match wins: a place (module path) or a V8 pseudo-function. */
const PARTS: Array<[RegExp, string]> = [
  [/^\(garbage collector\)/, 'garbage collection'],
  [/^\(idle\)/, 'idle (waiting for I/O)'],
  [/^\(program\)/, 'V8 (program)'],
  [/ src\/detector\/(features|state)\//, 'detector: features and state'],
  [/ (src\/detector\/rules\/|node_modules\/@marcbachmann\/cel-js)/, 'detector: rules (CEL)'],
  [/ src\/detector\//, 'detector: loop and processor'],
  [/ src\/domain\//, 'domain: validation and decisions'],
  [/ src\/log\//, 'our Log adapters'],
  [/ node_modules\/@platformatic\//, 'Kafka client (@platformatic/kafka)'],
  [/ node_modules\/better-sqlite3/, 'SQLite (better-sqlite3)'],
  [/ node_modules\/zod/, 'zod'],
  [/ node_modules\//, 'other packages'],
  [/ src\/bench\//, 'the bench itself'],
  [/ node:/, 'Node internals'],
  [/ $/, 'native (JSON, buffers, sockets, ...)'],
];

function partOf(name: string, where: string): string {
  const subject = `${name} ${where}`;
  return PARTS.find(([pattern]) => pattern.test(subject))?.[1] ?? 'other';
}

/** TypeScript run through tsx arrives as one-line modules without source maps here: its line says nothing. */
function placeOf(url: string, lineNumber: number): string {
  if (!url) return '';
  const short = shortUrl(url);
  return short.endsWith('.ts') ? short : `${short}:${lineNumber + 1}`;
}

function shortUrl(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (!path.startsWith('/')) return path;
  const inside = relative(ROOT, path);
  const modules = inside.lastIndexOf('node_modules/');
  return modules >= 0 ? inside.slice(modules) : inside;
}
