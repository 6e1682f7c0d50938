import type { Log, LogRecord } from '../../src/log/types.ts';

/** Every record a topic holds, partition by partition. */
export async function readAll(log: Log, topic: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (const bounds of await log.partitionBounds(topic)) {
    let from = bounds.start;
    while (from < bounds.end) {
      const batch = await log.read({ topic, partition: bounds.partition, from, maxRecords: 5000 });
      if (batch.length === 0) break;
      records.push(...batch);
      from = (batch[batch.length - 1]?.offset ?? from) + 1;
    }
  }
  return records;
}

export async function countRecords(log: Log, topic: string): Promise<number> {
  return (await log.partitionBounds(topic)).reduce((sum, b) => sum + b.end - b.start, 0);
}

/** Polls until the condition holds or the time is up; returns whether it held. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return condition();
}

export function idsOf(records: LogRecord[]): string[] {
  return records.map((record) => (JSON.parse(String(record.value)) as { id: string }).id);
}
