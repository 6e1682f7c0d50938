import type { ProducerItem } from '../items.ts';
import type { OutgoingRecord } from '../../log/types.ts';
import { DAY_MS } from '../pace.ts';
import { ScenarioStream } from './scheduler.ts';
import type { ScenarioEvent } from './types.ts';

export { ScenarioStream } from './scheduler.ts';
export { NEEDS_HISTORY, SCENARIO_KINDS, PRODUCES, type ScenarioKind } from './catalogue.ts';
export { DEFAULT_MIX, MIX_PER, leastIncidentShare, parseMix, resolveMix, type Mix } from './mix.ts';
export { SCENARIO_DEFAULTS, type ScenarioOptions } from './options.ts';
export { ESTABLISHED, type HistoryRequirement } from './history.ts';
export {
  FRAUD_SCENARIOS,
  LOOK_ALIKE_SCENARIOS,
  LabelSchema,
  type FraudScenario,
  type Label,
  type LookAlikeScenario,
  type ScenarioEvent,
  type ScenarioName,
} from './types.ts';

/**
 * The stream's events: endless without a count; with one, that many and then the rest
 * of the incidents under way, so that every incident of a finite stream is whole. With
 * `untilMs`, the stream also ends before its first event at or past that simulated time.
 */
export function* scenarioEvents(stream: ScenarioStream, count?: number, untilMs = Number.POSITIVE_INFINITY): Generator<ScenarioEvent> {
  for (let i = 0; count === undefined || i < count; i++) {
    const event = stream.next();
    if (event.atMs >= untilMs) return;
    yield event;
  }
  yield* stream.drain();
}

export interface ScenarioTopics {
  transactions: string;
  labels: string;
}

/**
 * Days after a scenario transaction its label becomes known (`knownAt`), as a chargeback
 * would: the detector's label-fed features use a label only from then on, so a generated
 * stream cannot tell the detector what it has yet to find out.
 */
export const SCENARIO_LABEL_DELAY_DAYS = 7;

/**
 * The label as the labels topic carries it (the contract's: `id`, `fraud`, `knownAt`,
 * `source`, and the transaction's time and parties), with the scenario's own fields.
 */
export function contractLabel(event: ScenarioEvent & { label: NonNullable<ScenarioEvent['label']> }, delayDays = SCENARIO_LABEL_DELAY_DAYS): Record<string, unknown> {
  const { transaction, label } = event;
  const at = Date.parse(transaction.timestamp);
  return {
    id: label.id,
    fraud: label.fraud,
    knownAt: new Date(at + delayDays * DAY_MS).toISOString(),
    source: 'scenario',
    timestamp: transaction.timestamp,
    account: transaction.source,
    ...(transaction.card === undefined ? {} : { card: transaction.card }),
    target: transaction.target,
    ...(transaction.channel === undefined ? {} : { channel: transaction.channel }),
    ...(transaction.device === undefined ? {} : { device: transaction.device }),
    ...(transaction.ip === undefined ? {} : { ip: transaction.ip }),
    scenario: label.scenario,
    incident: label.incident,
    step: label.step,
  };
}

/**
 * Producer items: the transaction keyed by `source` (as the contract says) and, for an
 * incident's transaction, its label keyed by transaction id (`contractLabel`, known
 * SCENARIO_LABEL_DELAY_DAYS later), sent in the same batch.
 * Live traffic (`live`) is due at its event time; otherwise items are spaced by the rate.
 */
export function* scenarioItems(events: Iterable<ScenarioEvent>, topics: ScenarioTopics, live = false, labelDelayDays = SCENARIO_LABEL_DELAY_DAYS): Generator<ProducerItem> {
  let index = 0;
  for (const event of events) {
    const value = JSON.stringify(event.transaction);
    const records: OutgoingRecord[] = [{ topic: topics.transactions, key: event.transaction.source, value }];
    if (event.label) records.push({ topic: topics.labels, key: event.label.id, value: JSON.stringify(contractLabel({ ...event, label: event.label }, labelDelayDays)) });
    yield live ? { index: index++, dueMs: event.atMs, records, display: value } : { index: index++, records, display: value };
  }
}
