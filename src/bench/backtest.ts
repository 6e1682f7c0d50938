import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { NO_LABELS } from '../backtest/labels.ts';
import { runBacktest } from '../backtest/run.ts';
import { fileHistory } from '../backtest/source.ts';
import { ConfigSchema } from '../config/schema.ts';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import { compileRuleset, type Ruleset } from '../detector/rules/ruleset.ts';
import { StateLimitsSchema } from '../detector/state/limits.ts';
import type { StageContext } from './context.ts';
import type { BacktestFigures } from './types.ts';
import { ScenarioStream, scenarioEvents } from '../generator/scenarios/index.ts';
import { WORKLOAD_SEED } from './workload.ts';

/** The change the stage backtests: the shipped velocity rule from 6 payments a minute down to 4. */
const HISTORY_CUSTOMERS = 50_000;
const VELOCITY = { from: 'f.source.count_1m >= 6', to: 'f.source.count_1m >= 4' };

/**
 * Stage (k): `fraud backtest` over a generated history file, the shipped ruleset against
 * a change of its velocity threshold: records per second from the file's first line to
 * the report (reading, parsing, the detector's feature path, both rulesets), in this
 * process, nothing written.
 */
export async function runBacktestStage(context: StageContext): Promise<BacktestFigures> {
  const records = context.sizes.backtestRecords;
  const file = join(context.tempDir, 'backtest-history.jsonl');
  context.progress.begin('  k write the history', records, 'records');
  await writeHistory(file, records);
  context.progress.end(`${records} records`);
  const baseline = loadRulesetFile(DEFAULT_RULES_FILE);
  const candidate = velocityChange(baseline);
  const defaults = ConfigSchema.parse({}).state;
  context.progress.begin('  k backtest', records, 'records');
  const started = performance.now();
  const report = await runBacktest({
    history: fileHistory(file, { maxRecordBytes: 65_536 }),
    ordered: false,
    baseline,
    candidate,
    labels: NO_LABELS,
    limits: StateLimitsSchema.parse({ retentionDays: defaults.retentionDays }),
    labelIndexDays: defaults.labelIndexDays,
    sampleSize: 10,
    onProgress: (done) => context.progress.update(done),
    signal: context.signal,
  });
  const seconds = (performance.now() - started) / 1000;
  context.progress.end(`${report.changed} decisions changed`);
  return {
    records: report.records,
    seconds: Math.round(seconds * 100) / 100,
    recordsPerSec: Math.round(report.records / seconds),
    cpuSeconds: report.cpuSeconds,
    recordsPerCpuSec: Math.round(report.records / Math.max(report.cpuSeconds, 1e-3)),
    changed: report.changed,
    baselineAlerts: report.baseline.alerts,
    candidateAlerts: report.candidate.alerts,
    featurePasses: report.featurePasses,
  };
}

function velocityChange(baseline: Ruleset): Ruleset {
  const definition = structuredClone(baseline.definition);
  const rule = definition.rules.find((candidate) => candidate.when.includes(VELOCITY.from));
  if (!rule) throw new Error(`the shipped ruleset has no rule with "${VELOCITY.from}"`);
  rule.when = rule.when.replace(VELOCITY.from, VELOCITY.to);
  return compileRuleset({ ...definition, version: `${baseline.version}-velocity-4` });
}

/** The scenario stream (everyday traffic with fraud incidents, velocity bursts among them), ending a month ago. */
async function writeHistory(file: string, records: number): Promise<void> {
  const out = createWriteStream(file);
  const stream = new ScenarioStream({ seed: WORKLOAD_SEED, startTime: Date.now() - 60 * 86_400_000, customers: HISTORY_CUSTOMERS });
  for (const event of scenarioEvents(stream, records)) {
    if (!out.write(`${JSON.stringify(event.transaction)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
