import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { FraudError } from '../errors.ts';
import type { ProducerItem } from './items.ts';

/**
 * A user's own transactions, one JSON object per line, replayed as they are: the bytes
 * go to the topic unchanged (a bad line is the detector's to dead-letter, with its
 * reason), keyed by `source` when the line has one.
 */
export async function* replayJsonLines(file: string, topic: string, stdin: Readable = process.stdin): AsyncGenerator<ProducerItem> {
  const input = file === '-' ? stdin : createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    if (file === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', (cause: Error) => reject(new FraudError('FRAUD_INPUT_FILE', `cannot read ${file}`, { cause })));
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let index = 0;
  for await (const line of lines) {
    const text = line.trim();
    if (text.length === 0) continue;
    yield { index: index++, records: [{ topic, key: sourceOf(text), value: text }], display: text };
  }
}

function sourceOf(line: string): string | null {
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed !== null && typeof parsed === 'object' && 'source' in parsed) {
      const { source } = parsed as { source: unknown };
      return typeof source === 'string' && source.length > 0 ? source : null;
    }
  } catch {
    // not JSON: sent anyway, unkeyed
  }
  return null;
}
