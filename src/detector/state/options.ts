import { join } from 'node:path';
import type { StateOptions } from '../service.ts';
import { StateLimitsSchema } from './limits.ts';

export interface StateSettings {
  /** Folder of the local state stores; unset: `state` in `dataDir`. */
  dir?: string;
  dataDir: string;
  memoryMb: number;
  checkpointMs: number;
  checkpointRecords: number;
  retentionDays: number;
  labelIndexDays: number;
}

/** The detector's state options from its settings (the `state` section of the configuration). */
export function stateOptions(settings: StateSettings): StateOptions {
  return {
    dir: settings.dir ?? join(settings.dataDir, 'state'),
    memoryBytes: settings.memoryMb * 1024 * 1024,
    checkpoint: {
      intervalMs: settings.checkpointMs,
      records: settings.checkpointRecords,
      // Dirty entities wait in memory for the next checkpoint: a quarter of the budget at most.
      maxDirty: Math.max(10_000, Math.floor((settings.memoryMb * 1024 * 1024) / 4 / 600)),
    },
    limits: StateLimitsSchema.parse({ retentionDays: settings.retentionDays }),
    labelIndexDays: settings.labelIndexDays,
  };
}
