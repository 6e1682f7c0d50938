import { basename } from 'node:path';
import type { EvalReport, PassReport } from './report.ts';
import type { FalsePositives, Rate, ScenarioScores, Scores } from './types.ts';

/** A figure's label and its cell in each pass's column. */
type Row = [label: string, ...cells: string[]];

interface Section {
  title: string;
  rows: Row[];
}

interface Column {
  header: string;
  scores: Scores;
}

/** The report as a table a person reads: one row per figure, one column per pass (ours, the baseline, and the model's). */
export function formatReport(report: EvalReport, baselineName = 'seed rule'): string {
  const columns: Column[] = [
    { header: 'ours', scores: report.ours.scores },
    { header: baselineName, scores: report.baseline.scores },
    ...(report.modelOnly ? [{ header: 'model alone', scores: report.modelOnly.scores }] : []),
    ...(report.combined ? [{ header: 'ours + model', scores: report.combined.scores }] : []),
  ];
  const sections: Section[] = [
    { title: 'Per transaction (positive = review or fraud)', rows: transactionRows(columns) },
    { title: 'Ranking by score (threshold-free; CP@100: per day, the 100 highest-scored cards)', rows: rankingRows(columns) },
    { title: 'Fraud incidents caught: recall (caught/incidents), step of first alert median/max', rows: scenarioRows(columns) },
    { title: 'False positives: flagged/transactions', rows: falsePositiveRows(columns) },
  ];
  const header = [
    `fraud eval: seed ${report.seed}, ${count(report.transactions)} transactions, ${count(report.fraudTransactions)} fraud (${percent(report.fraudTransactions / report.transactions)}),`,
    `  ${count(report.customers)} customers over ${report.days} simulated days from ${report.startTime}, ${report.partitions} partition(s), labels known after ${report.labelDelayDays} days, ${report.seconds} s`,
    `  ours: ${passName(report.ours)}; ${baselineName}: ${passName(report.baseline)}`,
    ...modelLines(report),
  ];
  const notes = report.notes.map((note) => `note: ${note}`);
  return [...header, '', renderTable(sections, columns.map((column) => column.header)), ...notes].join('\n');
}

function passName(pass: PassReport): string {
  return `${basename(pass.rules.file)} (${pass.rules.version})`;
}

function modelLines(report: EvalReport): string[] {
  const { model } = report;
  if (!model) return [];
  const trained = model.trainedOn;
  if (!trained) return [`  model: ${model.id}@${model.version} (${model.file})`];
  return [
    `  model: ${model.id}@${model.version}, trained on another stream (seed ${trained.seed}, ${count(trained.transactions)} transactions):`,
    `    ${count(trained.rows)} rows, ${count(trained.frauds)} fraud, ${trained.since.slice(0, 10)}..${trained.until.slice(0, 10)}, ${trained.seconds} s`,
  ];
}

function transactionRows(columns: Column[]): Row[] {
  const row = (label: string, cell: (scores: Scores) => string): Row => [label, ...columns.map((column) => cell(column.scores))];
  return [
    row('precision', (s) => percent(s.transactions.precision)),
    row('recall', (s) => percent(s.transactions.recall)),
    row('F1', (s) => percent(s.transactions.f1)),
    row('fraud among flagged', (s) => `${count(s.transactions.truePositives)}/${count(s.transactions.flagged)}`),
  ];
}

function rankingRows(columns: Column[]): Row[] {
  const row = (label: string, figure: (scores: Scores) => Rate): Row => [label, ...columns.map((column) => decimal(column.scores.ranking ? figure(column.scores) : null))];
  return [
    row('AUC ROC', (s) => s.ranking?.aucRoc ?? null),
    row('average precision (AP)', (s) => s.ranking?.averagePrecision ?? null),
    row('card precision@100 (CP@100)', (s) => s.ranking?.cardPrecisionAt100 ?? null),
  ];
}

function scenarioRows(columns: Column[]): Row[] {
  const [first] = columns;
  if (!first) return [];
  return first.scores.scenarios.map((mine) => [
    `${mine.scenario} (${mine.incidents})`,
    ...columns.map((column) => {
      const found = column.scores.scenarios.find((candidate) => candidate.scenario === mine.scenario);
      return found ? scenarioCell(found) : '-';
    }),
  ]);
}

function scenarioCell(scores: ScenarioScores): string {
  const alert = scores.firstAlert ? `step ${scores.firstAlert.median}/${scores.firstAlert.max}` : 'step -';
  return `${percent(scores.recall)} (${scores.caught}/${scores.incidents}) ${alert}`;
}

function falsePositiveRows(columns: Column[]): Row[] {
  const [first] = columns;
  if (!first) return [];
  const rows: Row[] = first.scores.lookAlikes.kinds.map((mine) => [
    `${mine.scenario} (${mine.incidents})`,
    ...columns.map((column) => {
      const found = column.scores.lookAlikes.kinds.find((candidate) => candidate.scenario === mine.scenario);
      return found ? fpCell(found) : '-';
    }),
  ]);
  rows.push(['all look-alikes', ...columns.map((column) => fpCell(column.scores.lookAlikes.overall))]);
  rows.push(['background (unlabelled)', ...columns.map((column) => fpCell(column.scores.background))]);
  return rows;
}

function fpCell(figures: FalsePositives): string {
  return `${percent(figures.rate)} (${count(figures.flagged)}/${count(figures.transactions)})`;
}

function renderTable(sections: Section[], headers: string[]): string {
  const rows = sections.flatMap((section) => section.rows);
  const labelWidth = Math.max(...rows.map(([label]) => label.length + 2), 24);
  const columnWidth = Math.max(...rows.flatMap(([, ...cells]) => cells.map((cell) => cell.length)), ...headers.map((h) => h.length)) + 3;
  const line = (label: string, cells: string[]): string => `${label.padEnd(labelWidth)}${cells.map((cell) => cell.padStart(columnWidth)).join('')}`;
  const out = [line('', headers)];
  for (const section of sections) {
    out.push(section.title);
    for (const [label, ...cells] of section.rows) out.push(line(`  ${label}`, cells));
  }
  return out.join('\n');
}

export function percent(rate: Rate): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(1)}%`;
}

function decimal(rate: Rate): string {
  return rate === null ? '-' : rate.toFixed(3);
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
