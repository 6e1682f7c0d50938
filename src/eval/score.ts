import { isFlagged, type Verdict } from '../domain/decision.ts';
import { FRAUD_SCENARIOS, LOOK_ALIKE_SCENARIOS, type Label } from '../generator/scenarios/types.ts';
import { rankingScores, type RankedDecision } from './ranking.ts';
import type { FalsePositives, LookAlikeScores, Rate, ScenarioScores, Scores, TransactionScores } from './types.ts';

export interface ScoreInput {
  /** Ground truth of every labelled transaction; the others are background. */
  labels: Iterable<Label>;
  /** The verdict of every decided transaction, by id, background included. */
  verdicts: ReadonlyMap<string, Verdict>;
  /** Every decision's score, for the ranking figures (AUC, AP, CP@100); without it they are null. */
  ranked?: ReadonlyMap<string, RankedDecision>;
}

interface Incident {
  scenario: string;
  labels: Label[];
}

/**
 * Scores a detector's verdicts against the labels. Positive means flagged (review or
 * fraud). Pure: the same input always gives the same figures, so it is tested on
 * hand-built fixtures.
 */
export function score(input: ScoreInput): Scores {
  const labels = [...input.labels];
  const flagged = (id: string): boolean => {
    const verdict = input.verdicts.get(id);
    return verdict !== undefined && isFlagged(verdict);
  };
  const incidents = groupIncidents(labels);
  const fraudIncidents = incidents.filter((incident) => incident.labels.some((label) => label.fraud));
  const lookAlikeIncidents = incidents.filter((incident) => incident.labels.every((label) => !label.fraud));
  const labelled = new Set(labels.map((label) => label.id));
  return {
    transactions: transactionScores(labels, input.verdicts, flagged),
    scenarios: byScenario(fraudIncidents, FRAUD_SCENARIOS).map(([scenario, group]) => scenarioScores(scenario, group, flagged)),
    lookAlikes: lookAlikeScores(lookAlikeIncidents, flagged),
    background: falsePositives([...input.verdicts.keys()].filter((id) => !labelled.has(id)), flagged),
    undecided: labels.filter((label) => !input.verdicts.has(label.id)).length,
    ranking: input.ranked ? rankingScores(new Set(labels.filter((label) => label.fraud).map((label) => label.id)), input.ranked) : null,
  };
}

function transactionScores(labels: Label[], verdicts: ReadonlyMap<string, Verdict>, flagged: (id: string) => boolean): TransactionScores {
  const fraud = labels.filter((label) => label.fraud);
  const truePositives = fraud.filter((label) => flagged(label.id)).length;
  const undecided = labels.filter((label) => !verdicts.has(label.id)).length;
  const flaggedCount = [...verdicts.values()].filter(isFlagged).length;
  const precision = ratio(truePositives, flaggedCount);
  const recall = ratio(truePositives, fraud.length);
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall);
  return {
    transactions: verdicts.size + undecided,
    fraud: fraud.length,
    flagged: flaggedCount,
    truePositives,
    falsePositives: flaggedCount - truePositives,
    falseNegatives: fraud.length - truePositives,
    precision,
    recall,
    f1,
  };
}

function scenarioScores(scenario: string, incidents: Incident[], flagged: (id: string) => boolean): ScenarioScores {
  const firstAlerts: number[] = [];
  let fraudTransactions = 0;
  let flaggedTransactions = 0;
  for (const incident of incidents) {
    const fraud = incident.labels.filter((label) => label.fraud).sort((a, b) => a.step - b.step);
    const hits = fraud.filter((label) => flagged(label.id));
    fraudTransactions += fraud.length;
    flaggedTransactions += hits.length;
    if (hits[0]) firstAlerts.push(hits[0].step);
  }
  return {
    scenario,
    incidents: incidents.length,
    caught: firstAlerts.length,
    recall: ratio(firstAlerts.length, incidents.length),
    fraudTransactions,
    flaggedTransactions,
    firstAlert: firstAlerts.length === 0 ? null : { median: median(firstAlerts), max: Math.max(...firstAlerts) },
  };
}

function lookAlikeScores(incidents: Incident[], flagged: (id: string) => boolean): Scores['lookAlikes'] {
  const kinds: LookAlikeScores[] = byScenario(incidents, LOOK_ALIKE_SCENARIOS).map(([scenario, group]) => ({
    scenario,
    incidents: group.length,
    ...falsePositives(group.flatMap((incident) => incident.labels.map((label) => label.id)), flagged),
  }));
  return { kinds, overall: falsePositives(incidents.flatMap((incident) => incident.labels.map((label) => label.id)), flagged) };
}

function falsePositives(ids: string[], flagged: (id: string) => boolean): FalsePositives {
  const count = ids.filter(flagged).length;
  return { transactions: ids.length, flagged: count, rate: ratio(count, ids.length) };
}

function groupIncidents(labels: Label[]): Incident[] {
  const incidents = new Map<string, Incident>();
  for (const label of labels) {
    const incident = incidents.get(label.incident) ?? { scenario: label.scenario, labels: [] };
    incident.labels.push(label);
    incidents.set(label.incident, incident);
  }
  return [...incidents.values()];
}

/** Incidents per scenario, the known scenarios in catalogue order, any other after them by name. */
function byScenario(incidents: Incident[], order: readonly string[]): Array<[string, Incident[]]> {
  const groups = new Map<string, Incident[]>();
  for (const incident of incidents) {
    const group = groups.get(incident.scenario) ?? [];
    group.push(incident);
    groups.set(incident.scenario, group);
  }
  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...groups].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

export function ratio(part: number, whole: number): Rate {
  return whole === 0 ? null : part / whole;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle] ?? 0;
  return ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
