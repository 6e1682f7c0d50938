import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserTestOptions } from '../helpers/browser.ts';
import { aDeadLetter, aDecision, openPipeline, started } from './fixtures.ts';
import { assertShownAsText, IMG_XSS, openPage, rowsOf, screenshot, SCRIPT_XSS, type PageGlobals } from './page-helpers.ts';

describe('dashboard page in headless Chromium', { ...browserTestOptions(), timeout: 60_000 }, () => {
  test('shows fraud rows red and legit rows green as they arrive, and shows markup in data as text', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline, pipeline.options({ tuning: { statsIntervalMs: 200 } }));
    const { page, problems } = await openPage(t, dashboard.url);
    assert.equal(await page.title(), 'Fraud Detector');

    await pipeline.write(aDecision(), aDecision({ verdict: 'fraud' }));
    await page.waitForSelector('#feed-body tr.row-fraud');
    await page.waitForSelector('#feed-body tr.row-legit');
    const hostile = aDecision({
      verdict: 'fraud',
      target: IMG_XSS,
      source: SCRIPT_XSS,
      merchant: '"><svg onload="window.__xss=3">',
      reasons: [{ rule: '<b>rule</b>', detail: `detail ${IMG_XSS}` }],
    });
    const newest = aDecision({ verdict: 'review' });
    await pipeline.write(aDecision(), hostile, aDeadLetter({ payload: SCRIPT_XSS, reason: IMG_XSS }));
    await page.locator('#feed-body tr').nth(4).waitFor();
    await pipeline.write(newest);
    await page.locator('#feed-body tr').nth(5).waitFor();

    const rows = await rowsOf(page);
    assert.match(rows[0]?.className ?? '', /row-review/, 'newest first');
    assert.ok(rows[0]?.text.includes(newest.id));
    const fraud = rows.filter((row) => row.className.includes('row-fraud'));
    const legit = rows.filter((row) => row.className.includes('row-legit'));
    assert.equal(fraud.length, 2);
    assert.equal(legit.length, 2);
    assert.ok(fraud.every((row) => row.shadow.includes('rgb(248, 113, 113)')), 'fraud rows are marked red');
    assert.ok(legit.every((row) => row.shadow.includes('rgb(52, 211, 153)')), 'legit rows are marked green');
    assert.equal(rows.filter((row) => row.className.includes('row-dead-letter')).length, 1);

    await assertShownAsText(page, '#feed', [IMG_XSS, SCRIPT_XSS, '<b>rule</b>']);

    await page.click('#feed-body tr.row-fraud >> nth=0');
    await page.waitForSelector('#detail:not([hidden])');
    await assertShownAsText(page, '#detail', [IMG_XSS, SCRIPT_XSS, '"><svg onload="window.__xss=3">']);
    await page.keyboard.press('Escape');

    await page.locator('#count-transactions', { hasText: /^6$/ }).waitFor();
    assert.equal(await page.textContent('#count-fraud'), '2');
    assert.equal(await page.textContent('#count-review'), '1');
    assert.equal(await page.textContent('#count-dead-letter'), '1');
    assert.equal(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).__xss), 'undefined', 'no injected code ran');
    assert.deepEqual(problems, [], 'no console errors (a CSP violation would be one)');

    await screenshot(page, 'dashboard-test.png');
  });

  test('filters by verdict and text, and pauses the feed', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await started(pipeline);
    const { page } = await openPage(t, dashboard.url);
    const marked = aDecision({ verdict: 'fraud', source: 'acct-needle-42' });
    await pipeline.write(aDecision(), aDecision({ verdict: 'review' }), marked);
    await page.locator('#feed-body tr').nth(2).waitFor();

    await page.uncheck('.verdict-filters input[value="legit"]');
    assert.equal(await page.locator('#feed-body tr').count(), 2);
    await page.fill('#filter-text', 'NEEDLE');
    await page.locator('#feed-body tr').nth(1).waitFor({ state: 'detached' });
    assert.equal(await page.locator('#feed-body tr').count(), 1);
    assert.ok((await page.textContent('#feed-body'))?.includes(marked.id));
    await page.fill('#filter-text', '');
    await page.check('.verdict-filters input[value="legit"]');
    await page.locator('#feed-body tr').nth(2).waitFor();

    await page.click('#pause');
    await pipeline.write(aDecision());
    await page.locator('#feed-note', { hasText: 'Paused: 1 new' }).waitFor();
    assert.equal(await page.locator('#feed-body tr').count(), 3, 'paused: no new row');
    await page.click('#pause');
    await page.locator('#feed-body tr').nth(3).waitFor();
  });
});
