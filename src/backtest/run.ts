import { derivedId } from '../domain/decision.ts';
import type { Transaction } from '../domain/transaction.ts';
import { newFeatureView, observe, type FeatureView } from '../detector/features/extract.ts';
import { applyLabel } from '../detector/features/labels.ts';
import type { CompiledLists, Ruleset } from '../detector/rules/ruleset.ts';
import type { StateLimits } from '../detector/state/limits.ts';
import { EntityStore } from '../detector/state/store.ts';
import { contributionReasons, ModelContext } from '../detector/model/decide.ts';
import type { LoadedModel } from '../detector/model/loaded.ts';
import type { BacktestLabels } from './labels.ts';
import { NO_LABEL_FIGURES, ScoredRows } from './metrics.ts';
import { PairedRules, type Side, type SideDecision } from './paired.ts';
import type { HistoryRecord } from './source.ts';
import { ChangeSample, ChangeTally } from './tally.ts';
import type { BacktestReport, ChangedDecision, SideFigures } from './types.ts';

export interface BacktestOptions {
  history: AsyncIterable<HistoryRecord>;
  baseline: Ruleset;
  candidate: Ruleset;
  /** Each side's model, if it has one: its probability is `f.model.score` for that side's rules and grades its score. */
  models?: Partial<Record<Side, LoadedModel>>;
  labels: BacktestLabels;
  /** Decisions of event times [since, until) are compared; everything before warms the state. */
  since?: number;
  until?: number;
  /** The history is in the merged event-time order (a topic): the first record at or past `until` ends it. */
  ordered: boolean;
  limits: StateLimits;
  /** The detector's horizon of its index by id (labels that name only an id find their transaction within it). */
  labelIndexDays: number;
  sampleSize: number;
  /** Sees every changed decision (`--out`). */
  onChanged?: (decision: ChangedDecision) => void;
  onProgress?: (records: number, eventTime: number) => void;
  signal?: AbortSignal;
}

/** One state and the view rules read it through. */
interface FeaturePath {
  store: EntityStore;
  view: FeatureView;
  ruleset: Ruleset;
  /** The features plus `f.model`, the probability of the side being decided. */
  model: ModelContext;
  /** What rules read, `{ tx, f }`, one object reused (its `tx` is set per transaction). */
  context: { tx: Transaction | undefined; f: ModelContext['f'] };
  /** Points the features at a side's lists (both sides share this path's state). */
  setLists: (lists: CompiledLists) => void;
}

const PROGRESS_EVERY = 0x3fff;

/**
 * Replays a history through the detector's own feature path (its entity store, its
 * observe(), labels folded in with its applyLabel at their knownAt) and decides every
 * transaction with both rulesets on the features as they were at that transaction.
 * Nothing is written anywhere: the state is in memory and thrown away.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestReport> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const { baseline, candidate } = options;
  const sameFeatures = JSON.stringify(baseline.definition.features) === JSON.stringify(candidate.definition.features);
  const sameLists = JSON.stringify(baseline.definition.lists) === JSON.stringify(candidate.definition.lists);
  const models = options.models ?? {};
  const sameModel = modelKey(models.baseline) === modelKey(models.candidate);
  const paths: FeaturePath[] = (sameFeatures ? [baseline] : [baseline, candidate]).map((ruleset) => {
    const view = newFeatureView();
    const model = new ModelContext(view.features);
    return {
      store: new EntityStore({ limits: options.limits, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY, labelIndexDays: options.labelIndexDays }),
      view,
      ruleset,
      model,
      context: { tx: undefined, f: model.f },
      setLists: (lists) => {
        view.context.lists = lists;
      },
    };
  });
  // Rules are shared only when they read the same `f.model.score` too.
  const rules = new PairedRules(baseline, candidate, { shareRules: sameFeatures && sameLists && sameModel });
  const tally = new ChangeTally();
  const sample = new ChangeSample(options.sampleSize);
  const labels = options.labels;
  const scored = labels.book.size > 0 ? new ScoredRows() : undefined;
  const since = options.since ?? Number.NEGATIVE_INFINITY;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  // Ids decided once already (the decision API's header): a repeat is a duplicate, as the detector dead-letters it.
  const seenOnce = new Map<string, number>();
  const horizonMs = options.labelIndexDays * 86_400_000;
  let nextLabel = 0;
  let records = 0;
  let invalid = 0;
  for await (const record of options.history) {
    records++;
    if ((records & PROGRESS_EVERY) === 0) {
      options.signal?.throwIfAborted();
      options.onProgress?.(records, record.eventTime);
    }
    const { eventTime } = record;
    if (options.ordered && eventTime >= until) break;
    while (nextLabel < labels.ordered.length && (labels.ordered[nextLabel] as { knownAt: number }).knownAt <= eventTime) {
      const { label, knownAt } = labels.ordered[nextLabel++] as BacktestLabels['ordered'][number];
      for (const path of paths) applyLabel(label, knownAt, { store: path.store, transactions: path.store.transactions, channels: path.ruleset.channels });
    }
    if (!record.parsed.ok) {
      invalid++;
      continue;
    }
    const tx = record.parsed.transaction;
    const id = typeof tx.id === 'string' && tx.id.length > 0 ? tx.id : derivedId(record.topic, record.partition, record.offset);
    if (record.idempotent && isRepeat(seenOnce, id, eventTime, horizonMs)) {
      invalid++;
      continue;
    }
    // The detector finds repeats in its index of every transaction: only a topic can hold records with the header.
    if (options.ordered && horizonMs > 0) seenOnce.set(id, eventTime);
    for (const path of paths) {
      path.context.tx = tx;
      observe(path.view, tx, eventTime, { store: path.store, limits: options.limits, settings: path.ruleset.features, channels: path.ruleset.channels, lists: path.ruleset.lists });
      // Only the labelled transactions can be looked up by a label: the rest need no index entry.
      if (labels.book.has(id)) path.store.transactions.note(tx, id, eventTime, path.view.context.channel);
    }
    if (eventTime < since || eventTime >= until) continue;
    const decided = decideBoth(rules, paths, models, sameModel);
    const changed = tally.add(eventTime, decided.baseline, decided.candidate);
    if (changed) noteChange({ rules, rulesets: { baseline, candidate }, models, paths, tx, id, eventTime, decided, sample, onChanged: options.onChanged });
    scored?.add({
      fraud: labels.book.fraudEver(id),
      card: typeof tx.card === 'string' && tx.card.length > 0 ? tx.card : tx.source,
      eventTime,
      baseline: { score: decided.baseline.score, alert: decided.baseline.verdict !== 'legit' },
      candidate: { score: decided.candidate.score, alert: decided.candidate.verdict !== 'legit' },
    });
  }
  options.onProgress?.(records, Number.NaN);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const figures = (side: Side): SideFigures => ({
    version: options[side].version,
    ...(models[side] ? { model: modelKey(models[side]) } : {}),
    ...tally.sides[side],
    ...(scored ? scored.figures(side) : NO_LABEL_FIGURES),
  });
  return {
    ...tally.totals,
    byRule: tally.byRule(),
    byDay: tally.byDay(),
    baseline: figures('baseline'),
    candidate: figures('candidate'),
    sample: sample.decisions,
    period: { since: Number.isFinite(since) ? new Date(since).toISOString() : null, until: Number.isFinite(until) ? new Date(until).toISOString() : null },
    records,
    invalid,
    labels: labels.ordered.length,
    truthOnlyLabels: labels.truthOnly,
    featurePasses: paths.length as 1 | 2,
    sharedRules: rules.shared,
    seconds: Math.round(seconds * 100) / 100,
    recordsPerSecond: Math.round(records / Math.max(seconds, 1e-9)),
    cpuSeconds: Math.round((cpu.user + cpu.system) / 10_000) / 100,
  };
}

function isRepeat(seen: Map<string, number>, id: string, eventTime: number, horizonMs: number): boolean {
  const at = seen.get(id);
  return at !== undefined && eventTime - at <= horizonMs;
}

function contextOf(path: FeaturePath): Record<string, unknown> {
  return path.context;
}

function modelKey(model: LoadedModel | undefined): string | undefined {
  return model ? `${model.id}@${model.version}` : undefined;
}

/**
 * Both sides' decisions of the transaction the paths' features describe. One model (or
 * none) for both: scored once, the shared rules evaluated once. Two models: each side
 * scored and its rules evaluated in turn, since its rules may read its `f.model.score`.
 */
function decideBoth(rules: PairedRules, paths: FeaturePath[], models: Partial<Record<Side, LoadedModel>>, sameModel: boolean): { baseline: SideDecision; candidate: SideDecision } {
  const [first, second] = paths as [FeaturePath, FeaturePath | undefined];
  if (!second && sameModel) {
    const score = first.model.score(models.baseline);
    const probability = models.baseline ? score : undefined;
    rules.evaluate(first.context, first.setLists);
    return { baseline: rules.decide('baseline', probability), candidate: rules.decide('candidate', probability) };
  }
  const decideSide = (side: Side, path: FeaturePath): SideDecision => {
    const model = models[side];
    const probability = path.model.score(model);
    rules.evaluate(path.context, path.setLists, side);
    return rules.decide(side, model ? probability : undefined);
  };
  const baselineDecision = decideSide('baseline', first);
  return { baseline: baselineDecision, candidate: decideSide('candidate', second ?? first) };
}

interface ChangeNote {
  rules: PairedRules;
  rulesets: Record<Side, Ruleset>;
  models: Partial<Record<Side, LoadedModel>>;
  paths: FeaturePath[];
  tx: Transaction;
  id: string;
  eventTime: number;
  decided: { baseline: SideDecision; candidate: SideDecision };
  sample: ChangeSample;
  onChanged: ((decision: ChangedDecision) => void) | undefined;
}

/** A changed decision's reasons are rendered only when it is kept or written (the features still describe it now). */
function noteChange(note: ChangeNote): void {
  const slot = note.sample.wants();
  if (slot < 0 && !note.onChanged) return;
  const pathOf = (side: Side): FeaturePath => (side === 'candidate' ? (note.paths[1] ?? note.paths[0]) : note.paths[0]) as FeaturePath;
  const sideOf = (side: Side): ChangedDecision['baseline'] => {
    const path = pathOf(side);
    path.view.context.lists = note.rulesets[side].lists;
    const decision = note.decided[side];
    const reasons = note.rules.reasons(side, decision, contextOf(path));
    const model = note.models[side];
    if (!model || decision.probability === undefined) return { verdict: decision.verdict, score: decision.score, reasons };
    // The model's reasons as a flagged decision of the detector has them: scored again on these features, for its contributions.
    path.model.score(model);
    if (decision.verdict !== 'legit') reasons.push(...contributionReasons(model));
    return { verdict: decision.verdict, score: decision.score, reasons, model: { id: model.id, version: model.version, probability: Math.round(decision.probability * 1e6) / 1e6 } };
  };
  const changed: ChangedDecision = {
    id: note.id,
    timestamp: new Date(note.eventTime).toISOString(),
    amount: note.tx.amount,
    source: note.tx.source,
    baseline: sideOf('baseline'),
    candidate: sideOf('candidate'),
  };
  if (slot >= 0) note.sample.keep(slot, changed);
  note.onChanged?.(changed);
}
