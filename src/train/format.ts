import type { HeldOutMetrics } from '../model/format.ts';
import type { TrainReport } from './run.ts';

/** The training report for a person: what was trained on, and how it did on the later period. */
export function formatTrainReport(report: TrainReport): string {
  const t = report.training;
  const lines = [
    `model ${report.modelId} ${report.version} written to ${report.out}`,
    `  history: ${report.records} records (${report.invalidRecords} invalid, left out), ${report.labels} labels, replayed in ${report.replaySeconds} s`,
    `  trained on ${t.since} .. ${t.until}: ${t.rows} transactions, ${t.frauds} frauds known within ${t.delayDays} days, ${report.features} features, ${t.seconds} s`,
    `  scoring: ${report.scoringMicrosPerRow} µs per transaction (${String(report.hyperParameters.trees)} trees)`,
  ];
  if (report.heldOut) lines.push(...heldOutLines(report.heldOut));
  if (report.note) lines.push(`  ${report.note}`);
  return lines.join('\n');
}

function heldOutLines(m: HeldOutMetrics): string[] {
  return [
    `  held out ${m.since} .. ${m.until}: ${m.transactions} transactions, ${m.frauds} frauds (${m.excludedKnownCompromised} of known-compromised cards left out)`,
    `    AUC ROC ${fixed(m.aucRoc)}   average precision ${fixed(m.averagePrecision)}   card precision@100 ${fixed(m.cardPrecisionAt100)}`,
    `    score >= ${m.review.threshold * 100} (review): flagged ${m.review.flagged}, precision ${fixed(m.review.precision)}, recall ${fixed(m.review.recall)}`,
    `    score >= ${m.fraud.threshold * 100} (fraud):  flagged ${m.fraud.flagged}, precision ${fixed(m.fraud.precision)}, recall ${fixed(m.fraud.recall)}`,
  ];
}

function fixed(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}
