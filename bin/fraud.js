#!/usr/bin/env node
// The sources are TypeScript; tsx compiles them on load (cached), so a checkout
// runs without a build step. Registered here, not via --import, so `npx fraud` works.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
