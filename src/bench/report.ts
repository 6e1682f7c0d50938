import { formatNumber, ratioOf, ratios, targetChecks, type Ratio, type TargetCheck } from './targets.ts';
import type { ApiLogFigures, ApiRun, BenchFigures, BenchResult, DetectorRunFigures, LatencyRun, ProcessRuns, StartupFigures, ToolRun } from './types.ts';

/** One line of the table: which stage, what was measured, the figure, its comparison. */
export interface Row {
  stage: string;
  figure: string;
  value: string;
  compared: string;
}

/** `--json`: every figure, the ratios and the targets, for scripts and CI to keep. */
export function jsonReport(result: BenchResult): string {
  return JSON.stringify({ ...result, ratios: ratios(result.figures), targets: targetChecks(result.figures) }, null, 2);
}

export function textReport(result: BenchResult): string {
  const rows = reportRows(result.figures);
  const lines = [...header(result), '', ...table(rows), '', 'Targets (from the issue)', ...targetLines(targetChecks(result.figures))];
  lines.push(...profileLines(result.figures));
  if (result.failures.length > 0) lines.push('', 'Stages that failed to run', ...result.failures.map((failure) => `  ${failure.stage}  ${failure.error}`));
  return `${lines.join('\n')}\n`;
}

function header(result: BenchResult): string[] {
  const kafka = result.kafka
    ? `Kafka ${result.kafka.version ?? ''} at ${result.kafka.brokers}${result.kafka.startedByBench ? ' (started by the bench)' : ''}`.replace('  ', ' ')
    : 'no Kafka';
  const { workload } = result;
  return [
    `fraud bench${result.quick ? ' --quick' : ''}: stages ${result.stages.join(',')}, ${formatSeconds(result.seconds)}, ${result.startedAt}`,
    `machine: ${result.machine.cpus} cores, Node ${result.machine.node}, ${result.machine.platform}; ${kafka}`,
    `records: generated transactions, ${workload.meanBytes} bytes of JSON on average (${workload.minBytes}-${workload.maxBytes}); MB = 2^20 bytes`,
    `stages took (s): ${perStage(result.stageSeconds)}; machine load (1-min average) after each: ${perStage(result.stageLoad)}`,
  ];
}

function perStage(values: BenchResult['stageSeconds']): string {
  return Object.entries(values)
    .map(([stage, value]) => `${stage} ${value}`)
    .join(', ');
}

/** Every figure measured, in stage order; stages not run have no rows. */
export function reportRows(figures: BenchFigures): Row[] {
  const all = ratios(figures);
  return [...toolRows(figures), ...clientRows(figures, all), ...detectorRows(figures, all), ...latencyRows(figures.latency ?? []), ...embeddedRows(figures, all), ...otherRows(figures), ...apiRows(figures.api ?? []), ...(figures.startup ? startupRows(figures.startup) : []), ...backtestRows(figures), ...peerRows(figures, all)];
}

function toolRows({ kafkaTools: tools }: BenchFigures): Row[] {
  if (!tools) return [];
  return [
    { stage: 'a', figure: 'Kafka ProducerPerformance, acks=all', value: rate(tools.producer), compared: latencyOf(tools.producer) },
    { stage: 'a', figure: `Kafka ProducerPerformance, transaction per ${tools.transactionalProducer.transactionMs} ms`, value: rate(tools.transactionalProducer), compared: '' },
    { stage: 'a', figure: 'Kafka ConsumerPerformance (fetch)', value: rate(tools.consumer), compared: '' },
  ];
}

function clientRows({ clients }: BenchFigures, all: Ratio[]): Row[] {
  if (!clients) return [];
  return [
    { stage: 'b', figure: 'our producer: generate + JSON + send (acks=all)', value: rate(clients.producer), compared: times(ratioOf(all, 'producer/pp'), 'ProducerPerf') },
    { stage: 'b', figure: 'generator + JSON alone (no log)', value: `${formatNumber(clients.generatorOnlyPerSec)} rec/s`, compared: '' },
    { stage: 'b', figure: 'our consumer: poll batches of 500, no work', value: rate(clients.consumer), compared: times(ratioOf(all, 'consumer/cp'), 'ConsumerPerf') },
  ];
}

function detectorRows({ detector }: BenchFigures, all: Ratio[]): Row[] {
  if (!detector) return [];
  const eosCompared = [times(ratioOf(all, 'detector-eos/pp'), 'ProducerPerf'), times(ratioOf(all, 'detector-eos/pp-txn'), 'txn ProducerPerf')]
    .filter((text) => text.length > 0)
    .join(', ');
  return [
    { stage: 'c', figure: 'detector on Kafka, at-least-once', value: detectorValue(detector.atLeastOnce), compared: times(ratioOf(all, 'detector-alo/pp'), 'ProducerPerf') },
    { stage: 'c', figure: 'detector on Kafka, exactly-once', value: detectorValue(detector.exactlyOnce), compared: eosCompared },
  ];
}

function latencyRows(runs: LatencyRun[]): Row[] {
  return runs
    .filter((run) => run.log === 'kafka')
    .map((run) => ({ stage: 'd', figure: `end-to-end, Kafka, ${run.mode}, ${formatNumber(run.targetPerSec)}/s`, value: latencyValue(run), compared: sustainedText(run) }));
}

function embeddedRows({ embedded }: BenchFigures, all: Ratio[]): Row[] {
  if (!embedded) return [];
  const run = embedded.latency;
  return [
    { stage: 'e', figure: 'detector on the embedded log', value: detectorValue(embedded.detector), compared: times(ratioOf(all, 'embedded/pp'), 'ProducerPerf') },
    { stage: 'e', figure: `end-to-end, embedded, ${formatNumber(run.targetPerSec)}/s`, value: latencyValue(run), compared: sustainedText(run) },
  ];
}

function otherRows({ memory, dashboard, stateScale }: BenchFigures): Row[] {
  const rows: Row[] = [];
  if (memory) {
    rows.push({
      stage: 'f',
      figure: `detector state, ${formatNumber(memory.accounts)} accounts (${formatNumber(memory.keys)} keys)`,
      value: `${formatNumber(memory.heapBytesPerAccount)} B heap/account`,
      compared: `account alone ${formatNumber(memory.accountOnlyHeapBytesPerAccount)} B; RSS ${formatNumber(memory.rssBytesPerAccount)} B/account; observe ${formatNumber(memory.observePerSec)}/s`,
    });
  }
  if (dashboard) {
    rows.push({
      stage: 'g',
      figure: `dashboard server at ${formatNumber(dashboard.targetPerSec)}/s (fed ${formatNumber(dashboard.sentPerSec)}/s, ${round1(dashboard.flaggedShare * 100)}% flagged)`,
      value: `CPU ${dashboard.cpuPercent.mean}% (max ${dashboard.cpuPercent.max}%), RSS ${dashboard.rssMb.max} MB`,
      compared: `reads ${formatNumber(dashboard.consumedPerSec)}/s; page (${dashboard.client}) ${formatNumber(dashboard.pageEventsPerSec)} events/s, ${formatNumber(dashboard.pageDecisionsPerSec)} decisions/s`,
    });
  }
  if (stateScale) {
    rows.push({
      stage: 'h',
      figure: `state of ${formatNumber(stateScale.accounts)} accounts x ${formatNumber(stateScale.payments / stateScale.accounts)} payments over 90 days (${formatNumber(stateScale.entities)} entities), ${formatNumber(stateScale.memoryBudgetMb)} MB budget`,
      value: `${formatNumber(stateScale.heapBytesPerAccount)} B heap + ${formatNumber(stateScale.diskBytesPerAccount)} B disk per account`,
      compared: `${formatNumber(stateScale.inMemory)} entities in memory; built at ${formatNumber(stateScale.buildPerSec)}/s; restart decides after ${formatNumber(stateScale.restartFirstDecisionMs)} ms`,
    });
  }
  return rows;
}

function peerRows({ peer, detector }: BenchFigures, all: Ratio[]): Row[] {
  if (!peer) return [];
  if (!peer.available) return [{ stage: 'l', figure: 'Kafka Streams peer', value: 'not measured', compared: peer.reason }];
  const ours = detector ? `our detector exactly-once (c, ${formatNumber(detector.exactlyOnce.records)} records) ${formatNumber(detector.exactlyOnce.recordsPerSec)}/s = ${ratioOf(all, 'detector-eos/kstreams') ?? '-'} × the peer; ` : '';
  return [
    {
      stage: 'l',
      figure: `Kafka Streams peer, ${peer.mode}, ${formatNumber(peer.records)} records (1 account feature, RocksDB + changelog)`,
      value: `${formatNumber(peer.recordsPerSec)} tx/s`,
      compared: `${ours}its check: ${peer.check}`,
    },
  ];
}

function backtestRows({ backtest, embedded }: BenchFigures): Row[] {
  if (!backtest) return [];
  const detector = embedded?.detector.recordsPerSec;
  return [
    {
      stage: 'k',
      figure: `backtest, shipped ruleset vs velocity 6 -> 4, ${formatNumber(backtest.records)} records from a file`,
      value: `${formatNumber(backtest.recordsPerSec)}/s`,
      compared: `${formatNumber(backtest.recordsPerCpuSec)} per CPU second; ${formatNumber(backtest.changed)} decisions changed (alerts ${formatNumber(backtest.baselineAlerts)} -> ${formatNumber(backtest.candidateAlerts)})${detector ? `; ${round1(backtest.recordsPerSec / detector)} x the embedded detector` : ''}`,
    },
  ];
}

function startupRows(startup: StartupFigures): Row[] {
  const base = startup.commands.nodeBaseline;
  const row = (figure: string, runs: ProcessRuns, compared: string): Row => ({
    stage: 'j',
    figure,
    value: `${formatNumber(runs.wallMs)} ms wall`,
    compared: `CPU ${formatNumber(runs.cpuMs)} ms, RSS ${formatNumber(runs.maxRssMb)} MB${compared}`,
  });
  return [
    row('node -e 0 (any Node program)', base, `; median of ${startup.runs}, ${startup.node}`),
    row('fraud --help', startup.commands.help, `; ${times(round1(startup.commands.help.wallMs / base.wallMs), 'node -e 0')}`),
    row('fraud consume --count 1 (embedded log)', startup.commands.consumeOne, `; ${times(round1(startup.commands.consumeOne.wallMs / base.wallMs), 'node -e 0')}`),
  ];
}

/** With --cpu-prof: the heaviest functions of each timed detector run, for whoever optimises it. */
function profileLines(figures: BenchFigures): string[] {
  const runs = [figures.detector?.atLeastOnce, figures.detector?.exactlyOnce, figures.embedded?.detector];
  return runs.flatMap((run) => {
    if (!run?.profile) return [];
    const parts = run.profile.parts.map((entry) => `  ${String(entry.selfPct).padStart(5)}%  ${entry.part}`);
    const top = run.profile.top.map((entry) => `  ${String(entry.selfPct).padStart(5)}%  ${entry.name}  ${entry.where}`);
    return ['', `CPU profile ${run.profile.file}, self time by part:`, ...parts, 'heaviest functions:', ...top];
  });
}

function table(rows: Row[]): string[] {
  const head: Row = { stage: '', figure: 'figure', value: 'value', compared: 'compared with, notes' };
  const width = (key: keyof Row): number => Math.max(...[head, ...rows].map((row) => row[key].length));
  const [figure, value] = [width('figure'), width('value')];
  return [head, ...rows].map((row) => `${row.stage.padEnd(2)} ${row.figure.padEnd(figure)}  ${row.value.padEnd(value)}  ${row.compared}`.trimEnd());
}

function targetLines(checks: TargetCheck[]): string[] {
  return checks.map((check) => `  ${check.pass === null ? 'n/a ' : check.pass ? 'PASS' : 'FAIL'}  ${check.target.padEnd(56)} ${check.measured}`);
}

function rate(run: { recordsPerSec: number; mbPerSec: number }): string {
  return `${formatNumber(run.recordsPerSec)} rec/s, ${run.mbPerSec} MB/s`;
}

function latencyOf(run: ToolRun): string {
  return run.latencyMs ? `send latency p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms` : '';
}

function detectorValue(run: DetectorRunFigures): string {
  return `${formatNumber(run.recordsPerSec)} tx/s (overall ${formatNumber(run.overallPerSec)}/s)`;
}

function latencyValue(run: Pick<LatencyRun, 'p50' | 'p99' | 'p999' | 'max'>): string {
  return `p50 ${run.p50} / p99 ${run.p99} / p99.9 ${run.p999} ms (max ${run.max})`;
}

function sustainedText(run: LatencyRun): string {
  const input = `in ${formatNumber(run.achievedPerSec)}/s, out ${formatNumber(run.decidedPerSec)}/s`;
  if (run.sustained) return `${input}, sustained`;
  return `${input}, NOT sustained: backlog ${formatNumber(run.backlogAtEnd)} (${run.backlogSeconds} s)${run.undecided > 0 ? `, ${run.undecided} undecided` : ''}`;
}

function apiRows(logs: ApiLogFigures[]): Row[] {
  return logs.flatMap((figures) => [
    ...[...figures.runs, ...figures.ladder].map((run) => ({
      stage: 'i',
      figure: `decision API, ${run.log}, exactly-once, ${formatNumber(run.targetPerSec)} requests/s`,
      value: latencyValue(run),
      compared: apiRunText(run),
    })),
    { stage: 'i', figure: `decision API, ${figures.log}: highest rate sustained with p99 < 50 ms`, value: `${formatNumber(figures.maxSustainedPerSec)} requests/s`, compared: `of the rates tried: ${[...figures.runs, ...figures.ladder].map((run) => formatNumber(run.targetPerSec)).join(', ')}` },
  ]);
}

function apiRunText(run: ApiRun): string {
  const others = Object.entries(run.statuses).filter(([status]) => !status.startsWith('2'));
  const notes = [`${formatNumber(run.achievedPerSec)}/s answered, ${run.connections} connections`];
  if (others.length > 0) notes.push(`statuses ${others.map(([status, n]) => `${status}×${n}`).join(' ')}`);
  if (run.errors > 0) notes.push(`${run.errors} errors`);
  const cpu = run.cpuMsPerRequest;
  if (cpu) notes.push(`CPU ms/request detector ${cpu.detector}, api ${cpu.api}, load generator ${cpu.loadGenerator}${cpu.broker === undefined ? '' : `, broker ${cpu.broker}`}`);
  notes.push(run.sustained ? 'sustained' : 'NOT sustained');
  return notes.join(', ');
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function times(value: number | undefined, of: string): string {
  return value === undefined ? '' : `${value} × ${of}`;
}

export function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole} s`;
}
