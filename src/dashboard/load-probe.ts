import type { Browser, Page } from 'playwright-core';
import { FraudError } from '../errors.ts';
import { sleep } from '../util/wait.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { installProbe, PROBED_EVENTS, readProbe, type ProbeState } from './probe-page.ts';

export interface LoadProbeOptions {
  /** The dashboard page; with a token, `…/?token=…` (the page trades it for its cookie). */
  url: string;
  /** How long to measure, after the warm-up. */
  durationMs: number;
  /** Time for the page to load its history and settle before measuring; default 3 s. */
  warmupMs?: number;
  /** How often the page's responsiveness is sampled; default 500 ms. */
  sampleEveryMs?: number;
  chromiumPath?: string;
  signal?: AbortSignal;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  max: number | null;
  samples: number;
}

/** What one open page on a dashboard under load experiences. */
export interface LoadProbeResult {
  measuredMs: number;
  events: {
    /** SSE events received during the measurement, all types. */
    total: number;
    perSecond: number;
    byType: Record<string, number>;
    /** Events in the busiest and the quietest whole second measured. */
    busiestSecond: number;
    quietestSecond: number;
  };
  /** `page.evaluate` round trips: the page's main thread answering while it streams. */
  roundTripMs: Percentiles;
  /** A real click on a tab until the tab is shown, as the automation sees it. */
  clickMs: Percentiles;
  /** Inside the page: from the click event to the next frame after its handlers. */
  clickToFrameMs: Percentiles;
  /** Main-thread tasks over 50 ms, and the share of the measured time they took. */
  longTasks: { count: number; totalMs: number; busyShare: number };
  /** Streams opened again during the measurement (a `hello` after the first). */
  reconnects: number;
}

/** Tabs the probe clicks in turn: switching views is the analyst's most common click. */
const CLICK_TARGETS = ['#tab-alerts', '#tab-feed'];
const CLICK_EVERY = 4;

/**
 * Opens the dashboard in headless Chromium and measures, for `durationMs`, the events
 * per second the page receives and how quickly it answers: for `fraud bench` and for
 * checking the dashboard holds up at a given rate. playwright-core is a development
 * dependency, loaded only when a probe runs.
 */
export async function probeDashboard(options: LoadProbeOptions): Promise<LoadProbeResult> {
  const browser = await launch(options.chromiumPath ?? CHROMIUM_PATH);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    // Run through tsx, functions sent to the page carry esbuild's `__name(fn, "name")`
    // calls (keepNames); the page has no such helper, so it gets one that does nothing.
    await page.addInitScript({ content: 'globalThis.__name ??= (target) => target;' });
    await page.addInitScript(installProbe, PROBED_EVENTS);
    await page.goto(options.url);
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 15_000 });
    await sleep(options.warmupMs ?? 3000, options.signal);
    const before = await probeState(page);
    const startedAt = Date.now();
    const samples = await sampleResponsiveness(page, options);
    const after = await probeState(page);
    return summarize({ before, after, samples, measuredMs: Date.now() - startedAt });
  } finally {
    await browser.close();
  }
}

async function launch(executablePath: string): Promise<Browser> {
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (cause) {
    throw new FraudError('FRAUD_INTERNAL', 'the load probe needs playwright-core (a development dependency): npm install', { cause });
  }
  try {
    return await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], headless: true });
  } catch (cause) {
    throw new FraudError('FRAUD_INTERNAL', `cannot start Chromium at ${executablePath} (apt-get install chromium, or set FRAUD_TEST_CHROMIUM)`, { cause });
  }
}

async function probeState(page: Page): Promise<ProbeState> {
  const state = await page.evaluate(readProbe);
  if (!state) throw new FraudError('FRAUD_INTERNAL', 'the probe is not installed in the page');
  return state;
}

interface Samples {
  roundTrips: number[];
  clicks: number[];
}

async function sampleResponsiveness(page: Page, options: LoadProbeOptions): Promise<Samples> {
  const samples: Samples = { roundTrips: [], clicks: [] };
  const deadline = Date.now() + options.durationMs;
  for (let round = 0; Date.now() < deadline && !options.signal?.aborted; round++) {
    const started = performance.now();
    await page.evaluate(() => 0);
    samples.roundTrips.push(performance.now() - started);
    if (round % CLICK_EVERY === CLICK_EVERY - 1) samples.clicks.push(await clickTab(page, CLICK_TARGETS[(round / CLICK_EVERY) % 2 | 0] ?? '#tab-feed'));
    await sleep(Math.max(0, Math.min(options.sampleEveryMs ?? 500, deadline - Date.now())), options.signal);
  }
  return samples;
}

async function clickTab(page: Page, selector: string): Promise<number> {
  const started = performance.now();
  await page.click(selector);
  await page.waitForSelector(`${selector}[aria-selected="true"]`);
  return performance.now() - started;
}

interface Measured {
  before: ProbeState;
  after: ProbeState;
  samples: Samples;
  measuredMs: number;
}

function summarize({ before, after, samples, measuredMs }: Measured): LoadProbeResult {
  const byType: Record<string, number> = {};
  for (const type of PROBED_EVENTS) byType[type] = (after.counts[type] ?? 0) - (before.counts[type] ?? 0);
  const total = Object.values(byType).reduce((sum, count) => sum + count, 0);
  // Whole seconds inside the measurement only: the first and last are partial.
  const seconds = after.perSecond.slice(before.perSecond.length + 1, after.perSecond.length - 1).map((count) => count ?? 0);
  const longTaskMs = after.longTaskMs - before.longTaskMs;
  return {
    measuredMs,
    events: { total, perSecond: round(total / (measuredMs / 1000)), byType, busiestSecond: Math.max(0, ...seconds), quietestSecond: seconds.length > 0 ? Math.min(...seconds) : 0 },
    roundTripMs: percentiles(samples.roundTrips),
    clickMs: percentiles(samples.clicks),
    clickToFrameMs: percentiles(after.clicks.slice(before.clicks.length)),
    longTasks: { count: after.longTasks - before.longTasks, totalMs: round(longTaskMs), busyShare: round(longTaskMs / measuredMs) },
    reconnects: byType.hello ?? 0,
  };
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: null, p95: null, max: null, samples: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p95: at(0.95), max: round(sorted[sorted.length - 1] ?? 0), samples: values.length };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
