import type { Label } from '../domain/label.ts';
import type { LogProducer } from '../log/types.ts';
import type { FlaggedIndex } from './flagged.ts';
import type { FeedbackRecord, FeedbackRequest } from './feedback-schema.ts';

export type SubmitResult = { ok: true; record: FeedbackRecord } | { ok: false; status: 404; message: string };

export interface FeedbackServiceOptions {
  producer: LogProducer;
  topic: string;
  /** Where verdicts also go as labels (`source: "analyst"`), for the detector's label features and `fraud train`. */
  labelsTopic?: string;
  flagged: FlaggedIndex;
  now?: () => number;
}

/**
 * Turns an analyst's label into a record of the feedback topic. The verdict, rules and
 * ruleset version come from the decision the server saw, so the record says what the
 * detector decided, whatever the browser sends.
 */
export class FeedbackService {
  readonly #options: FeedbackServiceOptions;
  readonly #now: () => number;

  constructor(options: FeedbackServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async submit(request: FeedbackRequest): Promise<SubmitResult> {
    const flagged = this.#options.flagged.get(request.id);
    if (!flagged) return { ok: false, status: 404, message: `no recent review or fraud decision has the id ${JSON.stringify(request.id)}` };
    const record: FeedbackRecord = {
      id: flagged.id,
      label: request.label,
      verdict: flagged.verdict,
      rules: flagged.rules,
      rulesVersion: flagged.rulesVersion,
      ...(request.analyst === undefined ? {} : { analyst: request.analyst }),
      at: new Date(this.#now()).toISOString(),
    };
    // Keyed by transaction id: every verdict on one transaction lands in one partition, in order.
    const records = [{ topic: this.#options.topic, key: flagged.id, value: JSON.stringify(record) }];
    const { labelsTopic } = this.#options;
    if (labelsTopic !== undefined) {
      // The verdict as ground truth, known from now: a confirmed alert is a fraud, a false positive is not.
      const label: Label = { id: flagged.id, fraud: request.label === 'fraud', knownAt: this.#now(), source: 'analyst' };
      records.push({ topic: labelsTopic, key: flagged.id, value: JSON.stringify(label) });
    }
    await this.#options.producer.send(records);
    return { ok: true, record };
  }
}
