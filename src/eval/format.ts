import { basename } from 'node:path';
import type { EvalReport } from './report.ts';
import type { FalsePositives, Rate, ScenarioScores, Scores } from './types.ts';

type Row = [label: string, ours: string, baseline: string];

interface Section {
  title: string;
  rows: Row[];
}

/** The report as a table a person reads: one row per figure, our ruleset beside the baseline. */
export function formatReport(report: EvalReport, baselineName = 'seed rule'): string {
  const { ours, baseline } = report;
  const sections: Section[] = [
    { title: 'Per transaction (positive = review or fraud)', rows: transactionRows(ours.scores, baseline.scores) },
    { title: 'Fraud incidents caught: recall (caught/incidents), step of first alert median/max', rows: scenarioRows(ours.scores, baseline.scores) },
    { title: 'False positives: flagged/transactions', rows: falsePositiveRows(ours.scores, baseline.scores) },
  ];
  const header = [
    `fraud eval: seed ${report.seed}, ${count(report.transactions)} transactions, ${count(report.fraudTransactions)} fraud (${percent(report.fraudTransactions / report.transactions)}),`,
    `  ${count(report.customers)} customers over ${report.days} simulated days from ${report.startTime}, ${report.partitions} partition(s), ${report.seconds} s`,
    `  ours: ${basename(ours.rules.file)} (${ours.rules.version}); ${baselineName}: ${basename(baseline.rules.file)} (${baseline.rules.version})`,
  ];
  const notes = report.notes.map((note) => `note: ${note}`);
  return [...header, '', renderTable(sections, ['ours', baselineName]), ...notes].join('\n');
}

function transactionRows(ours: Scores, baseline: Scores): Row[] {
  const both = (cell: (scores: Scores) => string, label: string): Row => [label, cell(ours), cell(baseline)];
  return [
    both((s) => percent(s.transactions.precision), 'precision'),
    both((s) => percent(s.transactions.recall), 'recall'),
    both((s) => percent(s.transactions.f1), 'F1'),
    both((s) => `${count(s.transactions.truePositives)}/${count(s.transactions.flagged)}`, 'fraud among flagged'),
  ];
}

function scenarioRows(ours: Scores, baseline: Scores): Row[] {
  return ours.scenarios.map((mine) => {
    const theirs = baseline.scenarios.find((candidate) => candidate.scenario === mine.scenario);
    return [`${mine.scenario} (${mine.incidents})`, scenarioCell(mine), theirs ? scenarioCell(theirs) : '-'];
  });
}

function scenarioCell(scores: ScenarioScores): string {
  const alert = scores.firstAlert ? `step ${scores.firstAlert.median}/${scores.firstAlert.max}` : 'step -';
  return `${percent(scores.recall)} (${scores.caught}/${scores.incidents}) ${alert}`;
}

function falsePositiveRows(ours: Scores, baseline: Scores): Row[] {
  const rows: Row[] = ours.lookAlikes.kinds.map((mine) => {
    const theirs = baseline.lookAlikes.kinds.find((candidate) => candidate.scenario === mine.scenario);
    return [`${mine.scenario} (${mine.incidents})`, fpCell(mine), theirs ? fpCell(theirs) : '-'];
  });
  rows.push(['all look-alikes', fpCell(ours.lookAlikes.overall), fpCell(baseline.lookAlikes.overall)]);
  rows.push(['background (unlabelled)', fpCell(ours.background), fpCell(baseline.background)]);
  return rows;
}

function fpCell(figures: FalsePositives): string {
  return `${percent(figures.rate)} (${count(figures.flagged)}/${count(figures.transactions)})`;
}

function renderTable(sections: Section[], headers: [string, string]): string {
  const rows = sections.flatMap((section) => section.rows);
  const labelWidth = Math.max(...rows.map(([label]) => label.length + 2), 24);
  const columnWidth = Math.max(...rows.flatMap(([, a, b]) => [a.length, b.length]), ...headers.map((h) => h.length)) + 3;
  const line = (label: string, a: string, b: string): string => `${label.padEnd(labelWidth)}${a.padStart(columnWidth)}${b.padStart(columnWidth)}`;
  const out = [line('', headers[0], headers[1])];
  for (const section of sections) {
    out.push(section.title);
    for (const [label, a, b] of section.rows) out.push(line(`  ${label}`, a, b));
  }
  return out.join('\n');
}

export function percent(rate: Rate): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(1)}%`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
