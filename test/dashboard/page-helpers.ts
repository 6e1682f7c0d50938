import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';

/** Screenshots of the views, for people to judge the design (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
export const IMG_XSS = '<img src=x onerror="window.__xss=1">';
export const SCRIPT_XSS = '<script>window.__xss=2</script>';

/**
 * The page's globals that functions run in the page use, typed here: this project's Node
 * typecheck has no DOM lib. (Strings would not do: the page's CSP forbids eval.)
 */
interface PageElement {
  className: string;
  textContent: string | null;
}
export interface PageGlobals {
  getComputedStyle(element: PageElement): { boxShadow: string };
  __xss?: unknown;
}

interface RowView {
  className: string;
  shadow: string;
  text: string;
}

/** A page on the dashboard, recording console errors and uncaught exceptions. */
export async function openPage(t: TestContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const browser = await launchBrowser(t);
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(url);
  await page.waitForSelector('#connection[data-state="live"]');
  return { page, problems };
}

export function rowsOf(page: Page): Promise<RowView[]> {
  return page.locator('#feed-body tr').evaluateAll((trs: PageElement[]) =>
    trs.map((tr) => ({ className: tr.className, shadow: (globalThis as unknown as PageGlobals).getComputedStyle(tr).boxShadow, text: tr.textContent ?? '' })),
  );
}

/** The hostile values appear as characters in `selector`, and no element was made of them. */
export async function assertShownAsText(page: Page, selector: string, values: string[]): Promise<void> {
  const text = await page.textContent(selector);
  for (const value of values) assert.ok(text?.includes(value), `${value} is shown as literal text in ${selector}`);
  const made = ['img', 'script', 'svg', 'b'].map((tag) => `${selector} ${tag}`).join(', ');
  assert.equal(await page.locator(made).count(), 0, `no element was made from data in ${selector}`);
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The transient "Recorded" notice would sit over the view.
  await page.locator('#notice').evaluate((notice: { hidden: boolean }) => {
    notice.hidden = true;
  });
  await page.screenshot({ path: `${ARTIFACTS}${name}`, fullPage });
}
