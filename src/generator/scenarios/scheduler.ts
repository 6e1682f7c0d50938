import type { Population } from '../population.ts';
import { customersOf, TrafficGenerator, type GeneratedEvent } from '../traffic.ts';
import { kindRunners, type KindRunner } from './contexts.ts';
import { MinHeap } from './heap.ts';
import { History } from './history.ts';
import { MerchantIndex } from './merchants.ts';
import { resolveMix } from './mix.ts';
import { defaultMerchants, SCENARIO_DEFAULTS, type ScenarioOptions } from './options.ts';
import { namedStream } from './streams.ts';
import { Trips } from './trips.ts';
import type { IncidentDraft, ScenarioEvent, ScenarioName } from './types.ts';

interface Pending {
  event: ScenarioEvent;
  /** Arrival order, so equal times come out as they were queued: the same stream every run. */
  seq: number;
}

/**
 * Everyday traffic with incidents woven in. An incident starts between two background
 * transactions (its schedule counts them), is built whole then (from what the background
 * has shown until then), and its transactions wait in a heap until the background clock
 * reaches them, so the stream is in non-decreasing simulated time.
 */
export class ScenarioStream {
  readonly notes: string[];
  readonly population: Population;
  readonly #traffic: TrafficGenerator;
  readonly #history: History;
  readonly #runners: KindRunner[];
  readonly #pending = new MinHeap<Pending>((a, b) => a.event.atMs < b.event.atMs || (a.event.atMs === b.event.atMs && a.seq < b.seq));
  readonly #incidents = new Map<ScenarioName, number>();
  readonly #trips = new Trips();
  #seq = 0;
  #lastMs = 0;
  #background: GeneratedEvent;
  /** Background transactions before #background, and the time of the last of them. */
  #backgroundSeen = 0;
  #previousMs = 0;

  constructor(options: ScenarioOptions) {
    const customers = customersOf(options);
    this.#traffic = new TrafficGenerator({
      seed: options.seed,
      ratePerSecond: options.ratePerSecond,
      startTime: options.startTime,
      customers,
      merchants: options.merchants ?? defaultMerchants(customers),
    });
    this.population = this.#traffic.population;
    this.#history = new History(this.population.directory, options.history);
    const blockedAccounts = options.blockedAccounts ?? [];
    const { mix, notes } = resolveMix(options.mix ?? {}, blockedAccounts);
    this.notes = notes;
    this.#runners = kindRunners(
      {
        seed: options.seed,
        startTime: options.startTime,
        population: this.population,
        merchants: new MerchantIndex(this.population, namedStream(options.seed, 'scenario/merchants')),
        history: this.#history,
        blockedAccounts,
        warmupTransactions: options.warmupTransactions ?? SCENARIO_DEFAULTS.warmupTransactions,
      },
      mix,
    );
    this.#background = this.#traffic.next();
  }

  /** Event time follows the wall clock (ratePerSecond given) rather than the population's pace. */
  get live(): boolean {
    return this.#traffic.live;
  }

  /** Incidents started so far, per scenario. */
  get incidents(): ReadonlyMap<ScenarioName, number> {
    return this.#incidents;
  }

  /** Customers with a history so far (the victims incidents that need a past can pick from). */
  get established(): number {
    return this.#history.established;
  }

  /** Simulated time of the latest event handed out. */
  get lastMs(): number {
    return this.#lastMs;
  }

  next(): ScenarioEvent {
    for (;;) {
      const event = this.#step();
      if (!event) continue;
      this.#lastMs = event.atMs;
      return event;
    }
  }

  /** The next event in time, or nothing when it was a background payment a traveller cannot have made. */
  #step(): ScenarioEvent | undefined {
    const background = this.#background;
    this.#startIncidentsBefore(background.atMs);
    const head = this.#pending.peek();
    if (head && head.event.atMs <= background.atMs) {
      this.#pending.pop();
      return head.event;
    }
    this.#history.observe(background.customer, background.transaction, background.atMs);
    this.#backgroundSeen++;
    this.#previousMs = background.atMs;
    this.#background = this.#traffic.next();
    const event = { atMs: background.atMs, transaction: background.transaction };
    return this.#trips.excludes(event) ? undefined : event;
  }

  /** The rest of every incident already started, in time order: how a finite stream ends without half incidents. */
  drain(): ScenarioEvent[] {
    const rest: ScenarioEvent[] = [];
    for (let item = this.#pending.pop(); item; item = this.#pending.pop()) rest.push(item.event);
    this.#lastMs = rest[rest.length - 1]?.atMs ?? this.#lastMs;
    return rest;
  }

  /** Starts the incidents scheduled before the next background transaction, each at its point between the previous one and it. */
  #startIncidentsBefore(nextMs: number): void {
    for (;;) {
      let due: KindRunner | undefined;
      for (const runner of this.#runners) if (runner.schedule.next <= this.#backgroundSeen && (!due || runner.schedule.next < due.schedule.next)) due = runner;
      if (!due) return;
      const fraction = Math.min(1, Math.max(0, due.schedule.next - (this.#backgroundSeen - 1)));
      const startMs = this.#previousMs + fraction * (nextMs - this.#previousMs);
      due.schedule.advance();
      for (const draft of due.build(due.context, startMs)) this.#admit(draft);
    }
  }

  /** Names the incident, numbers its labelled transactions from 1 in time order, and queues them. */
  #admit(draft: IncidentDraft): void {
    if (draft.events.length === 0) return;
    if (draft.away) this.#trips.add(draft.away);
    const number = (this.#incidents.get(draft.scenario) ?? 0) + 1;
    this.#incidents.set(draft.scenario, number);
    const incident = `${draft.scenario}-${number}`;
    let step = 0;
    for (const { atMs, transaction, truth } of [...draft.events].sort((a, b) => a.atMs - b.atMs)) {
      const label = truth === 'unlabelled' ? undefined : { id: transaction.id, fraud: truth === 'fraud', scenario: draft.scenario, incident, step: ++step };
      this.#pending.push({ event: label ? { atMs, transaction, label } : { atMs, transaction }, seq: this.#seq++ });
    }
  }
}
