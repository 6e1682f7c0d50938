import type { BacktestReport, SideFigures } from './types.ts';

const pct = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
const num = (value: number | null): string => (value === null ? '-' : value.toFixed(3));
const int = (value: number): string => value.toLocaleString('en-US');

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')).join('\n');
}

/** A side as its ruleset's version, and its model's when it has one. */
function sideName(side: SideFigures): string {
  return side.model ? `${side.version} + model ${side.model}` : side.version;
}

/** The report as a person reads it: totals, the two sides, per rule, per day, then the sample. */
export function formatBacktest(report: BacktestReport, options: { days?: number } = {}): string {
  const out: string[] = [];
  const period = `${report.period.since ?? 'start'} .. ${report.period.until ?? 'end'}`;
  out.push(`backtest of ${sideName(report.candidate)} against ${sideName(report.baseline)}, ${period}`);
  out.push(`${int(report.transactions)} transactions decided (${int(report.records)} records read, ${int(report.invalid)} invalid, ${int(report.labels)} labels${report.truthOnlyLabels > 0 ? `, ${int(report.truthOnlyLabels)} truth-only` : ''}) in ${report.seconds} s (${report.cpuSeconds} s of CPU), ${int(report.recordsPerSecond)} records/s`);
  out.push(`changed: ${int(report.changed)}  newly flagged: ${int(report.newlyFlagged)}  no longer flagged: ${int(report.noLongerFlagged)}  review<->fraud: ${int(report.verdictChanges)}  (same verdict, other score: ${int(report.scoreChanges)})`);
  out.push('');
  const side = (name: string, s: SideFigures): string[] => [name, sideName(s), int(s.alerts), int(s.review), int(s.fraud), pct(s.precision), pct(s.recall), num(s.averagePrecision), num(s.cardPrecisionAt100)];
  out.push(table([['', 'version', 'alerts', 'review', 'fraud', 'precision', 'recall', 'AP', 'CP@100'], side('baseline', report.baseline), side('candidate', report.candidate)]));
  const rules = Object.entries(report.byRule).filter(([, r]) => r.changed > 0 || r.baselineHits !== r.candidateHits);
  if (rules.length > 0) {
    out.push('', 'per rule (rules whose hits or decisions changed)');
    out.push(table([['rule', 'hits before', 'hits after', 'changed', 'newly flagged', 'no longer'], ...rules.map(([id, r]) => [id, int(r.baselineHits), int(r.candidateHits), int(r.changed), int(r.newlyFlagged), int(r.noLongerFlagged)])]));
  }
  const days = report.byDay.slice(-(options.days ?? 31));
  if (days.length > 0) {
    out.push('', `per day (alerts the review team would face)${days.length < report.byDay.length ? `, last ${days.length} of ${report.byDay.length}` : ''}`);
    out.push(table([['day', 'transactions', 'alerts before', 'alerts after', 'changed', 'newly flagged', 'no longer'], ...days.map((d) => [d.day, int(d.transactions), int(d.baselineAlerts), int(d.candidateAlerts), int(d.changed), int(d.newlyFlagged), int(d.noLongerFlagged)])]));
  }
  if (report.sample.length > 0) {
    out.push('', `a sample of ${report.sample.length} changed decisions`);
    for (const change of report.sample) {
      const reasons = (r: { rule: string; detail: string }[]): string => (r.length === 0 ? '(no rule fired)' : r.map((x) => `${x.rule}: ${x.detail}`).join('; '));
      out.push(`  ${change.id}  ${change.timestamp}  ${change.source}  ${change.amount}`);
      const probability = (m: { probability: number } | undefined): string => (m ? ` (model ${m.probability})` : '');
      out.push(`    baseline  ${change.baseline.verdict} ${change.baseline.score}${probability(change.baseline.model)}  ${reasons(change.baseline.reasons)}`);
      out.push(`    candidate ${change.candidate.verdict} ${change.candidate.score}${probability(change.candidate.model)}  ${reasons(change.candidate.reasons)}`);
    }
  }
  return out.join('\n');
}
