import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { KafkaDirLayout } from './paths.ts';

/** What a start recorded, so `status` and a second `start` know the running broker's port and version. */
export const BrokerStateSchema = z.object({
  version: z.string(),
  port: z.number().int(),
  controllerPort: z.number().int(),
  heap: z.string(),
  pid: z.number().int().positive(),
  startedAt: z.string(),
});

export type BrokerState = z.infer<typeof BrokerStateSchema>;

/** A missing or damaged file reads as "nothing recorded": status then reports stopped, start starts afresh. */
export async function readBrokerState(layout: KafkaDirLayout): Promise<BrokerState | undefined> {
  if (!existsSync(layout.stateFile)) return undefined;
  try {
    const parsed = BrokerStateSchema.safeParse(JSON.parse(await readFile(layout.stateFile, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeBrokerState(layout: KafkaDirLayout, state: BrokerState): Promise<void> {
  await writeFile(layout.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** The pid file is the plain conventional one (a number and a newline), for scripts and `kill $(cat …)`. */
export async function readPidFile(layout: KafkaDirLayout): Promise<number | undefined> {
  if (!existsSync(layout.pidFile)) return undefined;
  const pid = Number((await readFile(layout.pidFile, 'utf8')).trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export async function writePidFile(layout: KafkaDirLayout, pid: number): Promise<void> {
  await writeFile(layout.pidFile, `${pid}\n`);
}

export async function removePidFile(layout: KafkaDirLayout): Promise<void> {
  await rm(layout.pidFile, { force: true });
}
