import { sleep } from '../util/wait.ts';

export interface SseCount {
  total: number;
  decisions: number;
  seconds: number;
}

/**
 * Counts the Server-Sent Events of `/events` with a plain HTTP client, when no browser
 * is there for the load probe: what a page would receive, without what it does with it.
 */
export async function countSseEvents(pageUrl: string, warmupMs: number, durationMs: number): Promise<SseCount> {
  const abort = new AbortController();
  const response = await fetch(new URL('events', pageUrl), { signal: abort.signal, headers: { accept: 'text/event-stream' } });
  if (!response.ok || !response.body) throw new Error(`GET /events answered ${response.status}`);
  const counts = { counting: false, total: 0, decisions: 0 };
  const reading = readEvents(response.body, counts);
  await sleep(warmupMs);
  counts.counting = true;
  const started = performance.now();
  await sleep(durationMs);
  counts.counting = false;
  const seconds = (performance.now() - started) / 1000;
  abort.abort();
  await reading;
  return { total: counts.total, decisions: counts.decisions, seconds };
}

async function readEvents(body: ReadableStream<Uint8Array>, counts: { counting: boolean; total: number; decisions: number }): Promise<void> {
  const decoder = new TextDecoder();
  let rest = '';
  try {
    for await (const chunk of body) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      if (!counts.counting) continue;
      for (const line of lines) {
        if (!line.startsWith('event:')) continue;
        counts.total++;
        if (line.slice(6).trim() === 'decision') counts.decisions++;
      }
    }
  } catch {
    // The abort at the end of the count ends the stream with an error: expected.
  }
}
