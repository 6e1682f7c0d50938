import type { Logger } from '../observability/logger.ts';
import type { StatsView } from './context.ts';
import type { Hub } from './hub.ts';

export interface TickerOptions {
  hub: Hub;
  stats: () => Promise<StatsView>;
  statsIntervalMs: number;
  heartbeatIntervalMs: number;
  logger: Logger;
}

/** The periodic `stats` event and heartbeat comments, only while someone is connected. */
export class Ticker {
  readonly #options: TickerOptions;
  readonly #timers: NodeJS.Timeout[];
  #inFlight: Promise<void> | undefined;

  constructor(options: TickerOptions) {
    this.#options = options;
    this.#timers = [
      setInterval(() => this.tick(), options.statsIntervalMs).unref(),
      setInterval(() => options.hub.heartbeat(), options.heartbeatIntervalMs).unref(),
    ];
  }

  /** Sends fresh stats now (at most one computation at a time); never rejects. */
  tick(): void {
    if (this.#inFlight || this.#options.hub.clients === 0) return;
    this.#inFlight = this.#publish().finally(() => {
      this.#inFlight = undefined;
    });
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    await this.#inFlight;
  }

  async #publish(): Promise<void> {
    try {
      this.#options.hub.publishStats(JSON.stringify(await this.#options.stats()));
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'dashboard stats not published');
    }
  }
}
