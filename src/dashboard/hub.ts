import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { RecentBuffer } from './recent.ts';
import { Sampler } from './sampler.ts';
import { sseComment, sseFrame, type CloseReason, type SseClient } from './sse.ts';
import type { DashboardTuning, FeedItem } from './types.ts';

interface HubEvent {
  seq: number;
  timestamp: number;
  /** Serialized once, written to every connection as is. */
  frame: string;
}

export interface HubOptions {
  recentDecisions: number;
  tuning: DashboardTuning;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
}

/** Sent first on every connection: lets the page tell a resumed stream from a new one. */
export interface Hello {
  epoch: string;
  resumed: boolean;
  history: number;
}

/**
 * Fans the one feed out to every open stream. Each event is sampled, framed and kept
 * in the recent buffer once; a new connection gets that history, then live events.
 * Event ids are `<epoch>-<seq>`: a browser reconnecting to the same server sends the
 * last one back (Last-Event-ID) and receives only what it missed.
 */
export class Hub {
  readonly epoch = randomUUID().slice(0, 8);
  readonly #options: HubOptions;
  readonly #now: () => number;
  readonly #recent: RecentBuffer<HubEvent>;
  readonly #sampler: Sampler;
  readonly #clients = new Set<SseClient>();
  #seq = 0;
  #lastStats: string | undefined;
  #sampledOut = 0;

  constructor(options: HubOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#recent = new RecentBuffer(options.recentDecisions);
    this.#sampler = new Sampler(options.tuning);
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** Whether legit decisions are being sampled now, and how many were left out since start. */
  sampling(): { active: boolean; skipped: number } {
    return { active: this.#sampler.sampling(this.#now()), skipped: this.#sampledOut };
  }

  publish(items: FeedItem[]): void {
    this.#checkClients();
    const now = this.#now();
    for (const item of items) {
      if (!this.#sampler.admit(item, now)) {
        this.#sampledOut++;
        this.#options.metrics.sseSampled.inc();
        continue;
      }
      const seq = ++this.#seq;
      const id = `${this.epoch}-${seq}`;
      // The evidence travels as its own event right behind its decision, in the same write
      // and under the same id: `decision` data stays the record's JSON (CONTRACT.md).
      const evidence = item.kind === 'decision' && item.evidence !== undefined ? sseFrame('evidence', item.evidence, id) : '';
      const frame = sseFrame(item.kind, item.json, id) + evidence;
      this.#recent.push({ seq, timestamp: item.timestamp, frame });
      for (const client of this.#clients) client.send(frame);
    }
  }

  /** The periodic `stats` event: sent to all, and to each new connection right after its history. */
  publishStats(json: string): void {
    this.#checkClients();
    this.#lastStats = sseFrame('stats', json);
    for (const client of this.#clients) client.send(this.#lastStats);
  }

  /**
   * An event for every open page that is neither kept nor resumed, e.g. an analyst's
   * verdict: a page that (re)connects asks for the current state instead.
   */
  broadcast(event: string, json: string): void {
    this.#checkClients();
    const frame = sseFrame(event, json);
    for (const client of this.#clients) client.send(frame);
  }

  heartbeat(): void {
    this.#checkClients();
    const comment = sseComment(`keep-alive ${new Date(this.#now()).toISOString()}`);
    for (const client of this.#clients) client.send(comment);
  }

  /** Registers a stream and writes its start; false when the server has as many as it takes. */
  attach(client: SseClient, lastEventId: string | undefined): boolean {
    if (this.#clients.size >= this.#options.tuning.maxClients) return false;
    this.#clients.add(client);
    this.#options.metrics.sseClients.set(this.#clients.size);
    const resumeAfter = this.#resumePoint(lastEventId);
    let history = this.#history(resumeAfter ?? 0);
    // Resumed only if nothing in between was lost to the buffer's size: else the page starts over.
    const resumed = resumeAfter !== undefined && history.length === this.#seq - resumeAfter;
    if (resumeAfter !== undefined && !resumed) history = this.#history(0);
    const hello: Hello = { epoch: this.epoch, resumed, history: history.length };
    client.send(`retry: 2000\n${sseFrame('hello', JSON.stringify(hello))}`);
    for (const event of history) client.send(event.frame);
    if (this.#lastStats !== undefined) client.send(this.#lastStats);
    return true;
  }

  /** Called by each client when it closes, for whatever reason. */
  detach(client: SseClient, reason: CloseReason): void {
    if (!this.#clients.delete(client)) return;
    this.#options.metrics.sseClients.set(this.#clients.size);
    if (reason === 'dropped') {
      this.#options.metrics.sseDropped.inc();
      this.#options.logger.warn({ limitBytes: this.#options.tuning.clientBufferBytes }, 'live stream dropped: the browser did not keep up');
    }
  }

  closeAll(): void {
    for (const client of [...this.#clients]) client.end();
  }

  #checkClients(): void {
    for (const client of this.#clients) client.check();
  }

  #resumePoint(lastEventId: string | undefined): number | undefined {
    const match = /^([0-9a-f]{8})-(\d+)$/.exec(lastEventId ?? '');
    if (!match || match[1] !== this.epoch) return undefined;
    const seq = Number(match[2]);
    return seq <= this.#seq ? seq : undefined;
  }

  /**
   * The recent events after `afterSeq`, newest kept when they exceed half the client's
   * buffer limit: a fresh connection must never be dropped for its own history.
   */
  #history(afterSeq: number): HubEvent[] {
    const budget = this.#options.tuning.clientBufferBytes / 2;
    const items = this.#recent.items();
    const chosen: HubEvent[] = [];
    let bytes = 0;
    for (let index = items.length - 1; index >= 0; index--) {
      const event = items[index] as HubEvent;
      if (event.seq <= afterSeq) continue;
      bytes += Buffer.byteLength(event.frame);
      if (bytes > budget) break;
      chosen.push(event);
    }
    return chosen.reverse();
  }
}
