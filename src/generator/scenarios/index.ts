import type { ProducerItem } from '../items.ts';
import type { OutgoingRecord } from '../../log/types.ts';
import { ScenarioStream } from './scheduler.ts';
import type { ScenarioEvent } from './types.ts';

export { ScenarioStream } from './scheduler.ts';
export { SCENARIO_KINDS, PRODUCES, type ScenarioKind } from './catalogue.ts';
export { DEFAULT_MIX, MIX_PER, parseMix, resolveMix, type Mix } from './mix.ts';
export { SCENARIO_DEFAULTS, type ScenarioOptions } from './options.ts';
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
 * of the incidents under way, so that every incident of a finite stream is whole.
 */
export function* scenarioEvents(stream: ScenarioStream, count?: number): Generator<ScenarioEvent> {
  if (count === undefined) {
    for (;;) yield stream.next();
  }
  for (let i = 0; i < count; i++) yield stream.next();
  yield* stream.drain();
}

export interface ScenarioTopics {
  transactions: string;
  labels: string;
}

/**
 * Producer items: the transaction keyed by `source` (as the contract says) and, for an
 * incident's transaction, its label keyed by transaction id, sent in the same batch.
 */
export function* scenarioItems(events: Iterable<ScenarioEvent>, topics: ScenarioTopics): Generator<ProducerItem> {
  let index = 0;
  for (const event of events) {
    const value = JSON.stringify(event.transaction);
    const records: OutgoingRecord[] = [{ topic: topics.transactions, key: event.transaction.source, value }];
    if (event.label) records.push({ topic: topics.labels, key: event.label.id, value: JSON.stringify(event.label) });
    yield { index: index++, dueMs: event.atMs, records, display: value };
  }
}
