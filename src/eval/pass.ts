import type { OutputTopics } from '../detector/processor.ts';
import type { LoadedModel } from '../detector/model/loaded.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import { runDetector, type DetectorTotals, type StateOptions } from '../detector/service.ts';
import { FraudError } from '../errors.ts';
import type { Log } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';

export interface PassOptions {
  log: Log;
  inputTopic: string;
  outputs: OutputTopics;
  groupId: string;
  ruleset: Ruleset;
  /** The labels topic the detector folds into its label-fed features. */
  labelsTopic?: string;
  model?: LoadedModel;
  state: StateOptions;
  /** Records on the input topic: the pass ends when each has its output. */
  expected: number;
  logger: Logger;
  onDecided?: (done: number) => void;
  signal: AbortSignal;
  /** A pass that makes no progress for this long has lost records: it fails instead of waiting forever. */
  stallMs?: number;
}

/** Runs the real detector over the whole input topic once, and stops it when every record has an output. */
export async function detectAll(options: PassOptions): Promise<DetectorTotals> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  const watchdog = new Watchdog(options.stallMs ?? 60_000, () => stop.abort());
  let done = 0;
  try {
    const totals = await runDetector(
      {
        log: options.log,
        inputTopic: options.inputTopic,
        outputs: options.outputs,
        groupId: options.groupId,
        batchSize: 1000,
        exactlyOnce: true,
        maxRecordBytes: 65_536,
        ruleset: () => options.ruleset,
        ...(options.labelsTopic ? { labelsTopic: options.labelsTopic } : {}),
        model: () => options.model,
        state: options.state,
        logger: options.logger,
        onCommitted: (processed) => {
          done += processed.length;
          watchdog.progressed();
          options.onDecided?.(done);
          if (done >= options.expected) stop.abort();
        },
      },
      stop.signal,
    );
    if (done < options.expected && !options.signal.aborted) {
      throw new FraudError('FRAUD_INTERNAL', `the detector decided ${done} of ${options.expected} transactions, then made no progress`);
    }
    return totals;
  } finally {
    watchdog.stop();
    options.signal.removeEventListener('abort', onAbort);
  }
}

/** Calls `onStall` once nothing has progressed for `stallMs`. */
class Watchdog {
  #last = Date.now();
  readonly #timer: NodeJS.Timeout;

  constructor(stallMs: number, onStall: () => void) {
    this.#timer = setInterval(() => {
      if (Date.now() - this.#last > stallMs) onStall();
    }, Math.min(1000, stallMs));
  }

  progressed(): void {
    this.#last = Date.now();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
