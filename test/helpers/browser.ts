import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/dashboard/chromium.ts';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

const SKIP_REASON = `no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set FRAUD_TEST_CHROMIUM)`;

/**
 * Options for describe()/test() of a browser test: skipped with the reason when Chromium
 * is missing, except in CI, where the test runs and fails: no browser test may skip there.
 */
export function browserTestOptions(): { skip?: string } {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return {};
  return { skip: SKIP_REASON };
}

/** A headless Chromium closed when the test ends. */
export async function launchBrowser(t: TestContext): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`browser tests need Chromium (${SKIP_REASON})`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
  t.after(() => browser.close());
  return browser;
}
