import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { FeedbackRecord } from '../../src/dashboard/index.ts';
import { browserTestOptions } from '../helpers/browser.ts';
import { readAll } from '../helpers/log.ts';
import { eventually, openPipeline, started, type Pipeline } from './fixtures.ts';
import { assertShownAsText, IMG_XSS, openPage, screenshot, SCRIPT_XSS, type PageGlobals } from './page-helpers.ts';
import { aFlaggedBurst, aTravelReview, rulesetWithShadow, SHADOW_RULE, writeFlagged, writeTraffic } from './scenario.ts';

async function feedbackOf(pipeline: Pipeline, count: number): Promise<FeedbackRecord[]> {
  return eventually(async () => {
    const records = await readAll(pipeline.log, pipeline.topics.feedback);
    return records.length >= count ? records.map((record) => JSON.parse(record.value?.toString('utf8') ?? '{}') as FeedbackRecord) : undefined;
  }, 5000, `${count} feedback record(s)`);
}

async function openDashboard(t: TestContext): Promise<{ pipeline: Pipeline; page: Page; problems: string[]; url: string }> {
  const pipeline = await openPipeline(t);
  const ruleset = rulesetWithShadow();
  const dashboard = await started(pipeline, pipeline.options({ ruleset: () => ruleset, tuning: { statsIntervalMs: 200 } }));
  const { page, problems } = await openPage(t, dashboard.url);
  return { pipeline, page, problems, url: dashboard.url };
}

const alertRow = (id: string): string => `#alerts-body tr[data-id="${id}"]`;

describe('analyst views in headless Chromium', { ...browserTestOptions(), timeout: 60_000 }, () => {
  test('the alert queue shows flagged decisions; "Confirm fraud" writes the feedback record, the precision shows, and a reload keeps the mark', async (t) => {
    const { pipeline, page, problems, url } = await openDashboard(t);
    await writeTraffic(pipeline, 12);
    const burst = aFlaggedBurst();
    const travel = aTravelReview();
    await writeFlagged(pipeline, burst, travel);
    await page.click('#tab-alerts');
    await page.locator('#alerts-body tr').nth(1).waitFor();
    assert.equal(await page.locator('#alerts-body tr').count(), 2, 'only review and fraud decisions');
    assert.equal(await page.textContent('#alerts-open'), '2');
    assert.match((await page.locator('#alerts-body tr').first().getAttribute('data-id')) ?? '', new RegExp(travel.decision.id), 'newest first');

    await page.click(`${alertRow(burst.decision.id)} button[data-verdict="fraud"]`);
    const [record] = await feedbackOf(pipeline, 1);
    assert.deepEqual({ ...record, at: undefined }, { id: burst.decision.id, label: 'fraud', verdict: 'fraud', rules: ['velocity-burst', 'seed-large-amount'], rulesVersion: 'test-1', at: undefined });
    await page.locator(`${alertRow(burst.decision.id)} .status-confirmed`).waitFor();
    await page.locator('#precision-overall', { hasText: '100 %' }).waitFor();
    await page.locator('#precision-body tr[data-rule="velocity-burst"]', { hasText: '100 %' }).waitFor();
    assert.equal(await page.textContent('#alerts-open'), '1');

    // The keyboard: focus the review alert, L marks it a false positive.
    await page.fill('#analyst', 'ana');
    await page.locator(alertRow(travel.decision.id)).focus();
    await page.keyboard.press('l');
    const second = (await feedbackOf(pipeline, 2)).find((item) => item.id === travel.decision.id);
    assert.deepEqual([second?.label, second?.analyst], ['legit', 'ana']);
    await page.locator('#precision-overall', { hasText: '50 %' }).waitFor();
    await page.locator('#alerts-open', { hasText: /^0$/ }).waitFor();

    await page.goto(`${url}#alerts`);
    await page.locator(`${alertRow(burst.decision.id)} .status-confirmed`).waitFor();
    await page.locator(`${alertRow(travel.decision.id)} .status-false-positive`).waitFor();
    assert.equal(await page.getAttribute(`${alertRow(burst.decision.id)} button[data-verdict="fraud"]`, 'aria-pressed'), 'true');
    assert.deepEqual(problems, []);
  });

  test('the detail panel shows each reason with the values behind it, as text; HTML in values stays text', async (t) => {
    const { pipeline, page, problems } = await openDashboard(t);
    await writeTraffic(pipeline, 8);
    const hostile = aFlaggedBurst({ merchant: IMG_XSS });
    hostile.headers.evidence = { ...hostile.headers.evidence, 'seed-large-amount': { 'tx.amount': 2450, 'tx.merchant': IMG_XSS, 'tx.note': SCRIPT_XSS } };
    await writeFlagged(pipeline, hostile, aTravelReview());
    await page.click(`#feed-body tr:has-text("${hostile.decision.id}")`);
    await page.waitForSelector('#detail:not([hidden])');
    await page.locator('#detail .evidence').first().waitFor();
    const description = rulesetWithShadow().rules.find((rule) => rule.id === 'velocity-burst')?.description ?? '';
    await page.locator('#detail .rule-description', { hasText: description }).waitFor();
    const text = (await page.textContent('#detail')) ?? '';
    assert.ok(text.includes('f.source.count_1m = 7'), 'the values read by velocity-burst');
    assert.ok(text.includes('tx.amount = 2450'));
    assert.ok(text.includes(SHADOW_RULE.id), 'shadow hits are listed');
    await assertShownAsText(page, '#detail', [IMG_XSS, SCRIPT_XSS]);
    assert.equal(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).__xss), 'undefined', 'no injected code ran');
    await screenshot(page, 'dashboard-detail.png', false);

    await page.click('#detail button[data-verdict="legit"]');
    const [record] = await feedbackOf(pipeline, 1);
    assert.equal(record?.label, 'legit');
    await page.locator('#detail .status-false-positive').waitFor();
    await page.keyboard.press('Escape');
    await screenshot(page, 'dashboard-feed.png');
    assert.deepEqual(problems, []);
  });

  test('the rules view lists every rule with its mode, live and shadow hits, and precision', async (t) => {
    const { pipeline, page, problems } = await openDashboard(t);
    await writeTraffic(pipeline, 20);
    const bursts = [aFlaggedBurst(), aFlaggedBurst(), aFlaggedBurst()];
    await writeFlagged(pipeline, ...bursts, aTravelReview());
    await page.click('#tab-alerts');
    await page.locator(alertRow(bursts[0]?.decision.id ?? '')).waitFor();
    await page.click(`${alertRow(bursts[0]?.decision.id ?? '')} button[data-verdict="fraud"]`);
    await page.click(`${alertRow(bursts[1]?.decision.id ?? '')} button[data-verdict="legit"]`);
    await feedbackOf(pipeline, 2);
    await page.locator('#precision-overall', { hasText: '50 %' }).waitFor();
    await screenshot(page, 'dashboard-alerts.png');
    await page.click('#tab-rules');
    const velocity = page.locator('#rules-body tr', { hasText: 'velocity-burst' });
    await velocity.locator('td', { hasText: /^3$/ }).waitFor();
    await velocity.locator('.precision-value', { hasText: '50 %' }).waitFor();
    assert.match((await velocity.textContent()) ?? '', /live/);
    const shadow = page.locator('#rules-body tr', { hasText: SHADOW_RULE.id });
    await shadow.locator('td', { hasText: /^3$/ }).waitFor();
    assert.match((await shadow.textContent()) ?? '', /shadow/);
    assert.match((await page.textContent('#ruleset-version')) ?? '', /default-2\+trial/);
    assert.match((await page.textContent('#versions')) ?? '', /test-1/);
    assert.equal(new URL(page.url()).hash, '#rules', 'the view is kept in the address');
    await screenshot(page, 'dashboard-rules.png');
    assert.deepEqual(problems, []);
  });
});
