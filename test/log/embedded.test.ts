import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import { describeLogConformance } from './conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'fraud-embedded-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describeLogConformance('embedded SQLite log', {
  open: async () => openEmbeddedLog({ dataDir: dir, heartbeatIntervalMs: 100 }),
});
