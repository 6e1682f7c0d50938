import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { eventually } from './fixtures.ts';

export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/** A minimal Server-Sent Events client over node:http, recording every event it reads. */
export class SseReader {
  readonly events: SseEvent[] = [];
  readonly response: IncomingMessage;
  readonly #request: ClientRequest;
  #buffer = '';

  private constructor(req: ClientRequest, response: IncomingMessage) {
    this.#request = req;
    this.response = response;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.#read(chunk));
    response.on('error', () => undefined); // the server may cut us off; that is what some tests check
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } });
      req.on('response', (response) => resolve(new SseReader(req, response)));
      req.on('error', reject);
      req.end();
    });
  }

  of(event: string): SseEvent[] {
    return this.events.filter((item) => item.event === event);
  }

  /** Waits until at least `count` events named `event` were read. */
  async waitFor(event: string, count = 1, timeoutMs = 5000): Promise<SseEvent[]> {
    return eventually(() => (this.of(event).length >= count ? this.of(event) : undefined), timeoutMs, `${count} "${event}" event(s)`);
  }

  close(): void {
    this.#request.destroy();
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const parsed = parseBlock(block);
      if (parsed) this.events.push(parsed);
    }
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n'), id };
}
