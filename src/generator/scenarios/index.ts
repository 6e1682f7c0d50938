import type { ProducerItem } from '../items.ts';
import type { OutgoingRecord } from '../../log/types.ts';
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
 * Producer items: the transaction keyed by `source` (as the contract says) and, for an
 * incident's transaction, its label keyed by transaction id, sent in the same batch.
 * Live traffic (`live`) is due at its event time; otherwise items are spaced by the rate.
 */
export function* scenarioItems(events: Iterable<ScenarioEvent>, topics: ScenarioTopics, live = false): Generator<ProducerItem> {
  let index = 0;
  for (const event of events) {
    const value = JSON.stringify(event.transaction);
    const records: OutgoingRecord[] = [{ topic: topics.transactions, key: event.transaction.source, value }];
    if (event.label) records.push({ topic: topics.labels, key: event.label.id, value: JSON.stringify(event.label) });
    yield live ? { index: index++, dueMs: event.atMs, records, display: value } : { index: index++, records, display: value };
  }
}
