import uPlot from 'uplot';
import { byId } from './dom.ts';
import { formatTime } from './format.ts';
import type { Stats } from './messages.ts';

const POINTS = 300; // five minutes at one stats event per second
const HEIGHT = 140;
/** Figures taken closer together than this are skipped: a rate over a few milliseconds is noise. */
const MIN_STEP_MS = 500;
const AXIS = { stroke: '#8b96a8', grid: { stroke: 'rgba(148,163,184,0.12)', width: 1 }, ticks: { stroke: 'rgba(148,163,184,0.2)', width: 1 }, font: '11px system-ui, sans-serif' };

interface Series {
  label: string;
  color: string;
  fill?: string;
}

interface Baseline {
  at: number;
  transactions: number;
  review: number;
  fraud: number;
}

/** One small time-series chart that keeps the last POINTS values. */
class TrendChart {
  readonly #plot: uPlot;
  readonly #data: number[][];

  constructor(target: HTMLElement, series: Series[], unit: (value: number) => string) {
    this.#data = [[], ...series.map(() => [])];
    const options: uPlot.Options = {
      width: Math.max(200, target.clientWidth),
      height: HEIGHT,
      cursor: { drag: { x: false, y: false } },
      legend: { show: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        // Whole seconds and up: the points are a second apart.
        { ...AXIS, space: 70, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600], values: (_u, ticks) => ticks.map((tick) => formatTime(tick * 1000)) },
        { ...AXIS, size: 48, values: (_u, ticks) => ticks.map(unit) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, fill: s.fill, points: { show: false } }))],
    };
    this.#plot = new uPlot(options, this.#data as uPlot.AlignedData, target);
    new ResizeObserver(() => this.#plot.setSize({ width: Math.max(200, target.clientWidth), height: HEIGHT })).observe(target);
  }

  push(at: number, values: Array<number | null>): void {
    (this.#data[0] as number[]).push(at);
    values.forEach((value, index) => (this.#data[index + 1] as Array<number | null>).push(value));
    if ((this.#data[0] as number[]).length > POINTS) for (const column of this.#data) column.shift();
    this.#plot.setData(this.#data as uPlot.AlignedData);
  }
}

/**
 * Throughput, share of review and fraud, and latency, drawn from successive `stats`
 * events: rates are differences of the server's counts, so sampling does not skew them.
 */
export class Charts {
  readonly #throughput = new TrendChart(byId('chart-throughput'), [{ label: 'tx/s', color: '#60a5fa', fill: 'rgba(96,165,250,0.12)' }], (v) => formatTick(v));
  readonly #share = new TrendChart(byId('chart-share'), [
    { label: 'review %', color: '#fbbf24' },
    { label: 'fraud %', color: '#f87171', fill: 'rgba(248,113,113,0.10)' },
  ], (v) => `${formatTick(v)}%`);
  readonly #latency = new TrendChart(byId('chart-latency'), [
    { label: 'p50', color: '#34d399' },
    { label: 'p99', color: '#c084fc' },
  ], (v) => formatTick(v));
  #baseline: Baseline | undefined;

  update(stats: Stats): void {
    // The server's clock: two events can arrive together (a new connection gets the last
    // figures, then fresh ones) yet be a second apart in what they measure.
    const now = Date.parse(stats.at);
    const previous = this.#baseline;
    if (previous && now - previous.at < MIN_STEP_MS && stats.transactions >= previous.transactions) return;
    this.#baseline = { at: now, transactions: stats.transactions, review: stats.review, fraud: stats.fraud };
    // The first event, or a restarted server whose counts began again: nothing to compare.
    if (!previous || stats.transactions < previous.transactions) return;
    const seconds = (now - previous.at) / 1000;
    const decided = stats.transactions - previous.transactions;
    const at = now / 1000;
    this.#throughput.push(at, [decided / seconds]);
    this.#share.push(at, decided > 0 ? [percent(stats.review - previous.review, decided), percent(stats.fraud - previous.fraud, decided)] : [null, null]);
    this.#latency.push(at, [stats.latencyMs.p50, stats.latencyMs.p99]);
  }
}

function percent(part: number, whole: number): number {
  return Math.round((part / whole) * 1000) / 10;
}

function formatTick(value: number): string {
  if (Math.abs(value) >= 1000) return `${Math.round(value / 100) / 10}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
