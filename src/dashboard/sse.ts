import type { ServerResponse } from 'node:http';

/** One Server-Sent Events frame. Data is split on line breaks, each line its own `data:` field. */
export function sseFrame(event: string, data: string, id?: string): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\n${lines}\n`;
}

/** A comment line: ignored by EventSource, but it keeps proxies from closing an idle stream. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export type CloseReason = 'closed' | 'dropped' | 'ended';

export interface SseClientOptions {
  /** Bytes that may still wait in the response and socket buffers when the next events come; beyond, the client is dropped. */
  limitBytes: number;
  onClosed: (client: SseClient, reason: CloseReason) => void;
}

/** Within one burst nothing can drain yet, so the limit is checked between bursts; this many limits is the ceiling inside one. */
const BURST_FACTOR = 4;

/**
 * One browser's live stream. Writes never wait: a client that does not read fast enough
 * is measured by what its socket holds, and dropped past the limit, so one stalled tab
 * cannot make the server buffer without end. EventSource reconnects by itself.
 */
export class SseClient {
  readonly #res: ServerResponse;
  readonly #options: SseClientOptions;
  #open = true;

  constructor(res: ServerResponse, options: SseClientOptions) {
    this.#res = res;
    this.#options = options;
    res.on('close', () => this.#finish('closed'));
  }

  get open(): boolean {
    return this.#open;
  }

  /** Bytes written but not yet taken by the kernel: the response's own plus its socket's. */
  get buffered(): number {
    return this.#res.writableLength;
  }

  /**
   * Drops the client if what it was sent before has not drained below the limit. Called
   * before each burst of events and on every tick, when the socket has had its chance.
   */
  check(): boolean {
    if (this.#open && this.buffered > this.#options.limitBytes) this.drop();
    return this.#open;
  }

  send(frame: string): void {
    if (!this.#open) return;
    this.#res.write(frame);
    if (this.buffered > this.#options.limitBytes * BURST_FACTOR) this.drop();
  }

  drop(): void {
    if (!this.#finish('dropped')) return;
    this.#res.destroy();
  }

  /** Ends the stream cleanly, e.g. when the server closes. */
  end(): void {
    if (!this.#finish('ended')) return;
    this.#res.end();
  }

  #finish(reason: CloseReason): boolean {
    if (!this.#open) return false;
    this.#open = false;
    this.#options.onClosed(this, reason);
    return true;
  }
}
