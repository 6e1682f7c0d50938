#!/usr/bin/env node
// Runs the compiled CLI in dist/ (`npm run build`, which `prepare` runs on `npm install` in a
// checkout and on `npm pack`). In a checkout, a build older than src/ is rebuilt first.
import module from 'node:module';
import { ensureFreshBuild } from './checkout.js';

// Node 22.1+ keeps V8's compiled code on disk: every start after the first skips compiling.
module.enableCompileCache?.();
try {
  ensureFreshBuild();
} catch (error) {
  process.stderr.write(`error FRAUD_BUILD: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
