import type { Population } from '../population.ts';
import { TrafficGenerator, type GeneratedEvent } from '../traffic.ts';
import { kindRunners, type KindRunner } from './contexts.ts';
import { MinHeap } from './heap.ts';
import { History } from './history.ts';
import { MerchantIndex } from './merchants.ts';
import { resolveMix } from './mix.ts';
import { SCENARIO_DEFAULTS, type ScenarioOptions } from './options.ts';
import { namedStream } from './streams.ts';
import { Trips } from './trips.ts';
import type { IncidentDraft, ScenarioEvent, ScenarioName } from './types.ts';

interface Pending {
  event: ScenarioEvent;
  /** Arrival order, so equal times come out as they were queued: the same stream every run. */
  seq: number;
}

/**
 * Everyday traffic with incidents woven in at their simulated time. An incident is built
 * whole when its start comes (from what the background has shown until then) and its
 * transactions wait in a heap until the background clock reaches them, so the stream is
 * in non-decreasing simulated time.
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
  #background: GeneratedEvent;

  constructor(options: ScenarioOptions) {
    this.#traffic = new TrafficGenerator({
      seed: options.seed,
      ratePerSecond: options.ratePerSecond,
      startTime: options.startTime,
      customers: options.customers ?? SCENARIO_DEFAULTS.customers,
      merchants: options.merchants ?? SCENARIO_DEFAULTS.merchants,
    });
    this.population = this.#traffic.population;
    this.#history = new History(this.population);
    const blockedAccounts = options.blockedAccounts ?? [];
    const { mix, notes } = resolveMix(options.mix ?? {}, blockedAccounts);
    this.notes = notes;
    const warmup = options.warmupTransactions ?? SCENARIO_DEFAULTS.warmupTransactions;
    this.#runners = kindRunners(
      {
        seed: options.seed,
        ratePerSecond: options.ratePerSecond,
        startTime: options.startTime,
        population: this.population,
        merchants: new MerchantIndex(this.population, namedStream(options.seed, 'scenario/merchants')),
        history: this.#history,
        blockedAccounts,
        warmupMs: (warmup / options.ratePerSecond) * 1000,
      },
      mix,
    );
    this.#background = this.#traffic.next();
  }

  /** Incidents started so far, per scenario. */
  get incidents(): ReadonlyMap<ScenarioName, number> {
    return this.#incidents;
  }

  next(): ScenarioEvent {
    for (;;) {
      const event = this.#step();
      if (event) return event;
    }
  }

  /** The next event in time, or nothing when it was a background payment a traveller cannot have made. */
  #step(): ScenarioEvent | undefined {
    const background = this.#background;
    this.#startIncidentsUntil(background.atMs);
    const head = this.#pending.peek();
    if (head && head.event.atMs <= background.atMs) {
      this.#pending.pop();
      return head.event;
    }
    this.#history.observe(background.transaction);
    this.#background = this.#traffic.next();
    return this.#trips.excludes(background) ? undefined : background;
  }

  /** The rest of every incident already started, in time order: how a finite stream ends without half incidents. */
  drain(): ScenarioEvent[] {
    const rest: ScenarioEvent[] = [];
    for (let item = this.#pending.pop(); item; item = this.#pending.pop()) rest.push(item.event);
    return rest;
  }

  #startIncidentsUntil(untilMs: number): void {
    for (;;) {
      let due: KindRunner | undefined;
      for (const runner of this.#runners) if (runner.schedule.nextMs <= untilMs && (!due || runner.schedule.nextMs < due.schedule.nextMs)) due = runner;
      if (!due) return;
      const startMs = due.schedule.nextMs;
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
