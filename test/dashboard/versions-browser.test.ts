import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePublishedArtifact, type PublishedArtifact } from '../../src/domain/artifact.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ArtifactRegistry } from '../../src/registry/index.ts';
import { browserTestOptions } from '../helpers/browser.ts';
import { readAll } from '../helpers/log.ts';
import { aRulesetText } from '../registry/fixtures.ts';
import { eventually, openPipeline, started, type Pipeline } from './fixtures.ts';
import { assertShownAsText, IMG_XSS, openPage, screenshot, type PageGlobals } from './page-helpers.ts';

async function auditOf(pipeline: Pipeline, count: number): Promise<PublishedArtifact[]> {
  return eventually(async () => {
    const records = (await readAll(pipeline.log, pipeline.topics.audit)).map((record) => parsePublishedArtifact(String(record.value)));
    return records.length >= count ? records.filter((entry): entry is PublishedArtifact => entry !== undefined) : undefined;
  }, 5000, `${count} audit record(s)`);
}

describe('rules versions in headless Chromium', { ...browserTestOptions(), timeout: 60_000 }, () => {
  test('the rules view lists the versions, shows their diff, publishes an edited candidate with a note and rolls back', async (t) => {
    const pipeline = await openPipeline(t);
    const registry = new ArtifactRegistry({ log: pipeline.log, topics: pipeline.topics, logger: silentLogger() });
    pipeline.defer(() => registry.close());
    const v1 = aRulesetText({ version: 'v1', rules: [{ id: 'big', when: 'tx.amount >= 900.0', score: 60 }] });
    const v2 = aRulesetText({ version: 'v2', review: 45, rules: [{ id: 'big', when: 'tx.amount >= 900.0', score: 60 }, { id: 'night', score: 20 }] });
    await registry.publish({ content: v1, author: 'ana', note: `first ${IMG_XSS}`, via: 'cli' });
    await registry.publish({ content: v2, author: 'bob', note: 'night rule', via: 'cli' });
    const dashboard = await started(pipeline, pipeline.options({ followRules: {} }));
    const { page, problems } = await openPage(t, `${dashboard.url}#rules`);

    await page.locator('#versions-body tr').nth(1).waitFor();
    assert.equal(await page.locator('#versions-body tr.in-force .mono').textContent(), 'v2');
    await assertShownAsText(page, '#versions-body', [IMG_XSS, 'ana', 'bob', 'night rule']);
    await page.locator('#diff-body .diff-added', { hasText: 'night' }).waitFor();
    assert.equal(await page.locator('#diff-title').textContent(), 'v1 → v2');
    assert.ok((await page.textContent('#diff-body'))?.includes('review50→45'), 'the threshold change, old → new');
    // The candidate starts from the version in force.
    await eventually(async () => ((await page.inputValue('#candidate')) === v2 ? true : undefined), 5000, 'the candidate loaded with v2');

    await page.fill('#candidate', v2.replace('version: v2', 'version: v3').replace('review: 45', 'review: 40'));
    await page.click('#check-candidate');
    await page.locator('#check-result', { hasText: 'would be published as v3' }).waitFor();
    assert.equal(await page.locator('#diff-title').textContent(), 'in force v2 → candidate v3');
    await page.click('#publish-candidate');
    await page.locator('#notice', { hasText: 'write your name' }).waitFor();
    assert.equal((await auditOf(pipeline, 2)).length, 2, 'nothing published without a name and a note');
    await page.fill('#publisher', 'carla');
    await page.fill('#publish-note', 'review from 40');
    await page.click('#publish-candidate');
    const published = (await auditOf(pipeline, 3))[2];
    assert.deepEqual([published?.version, published?.author, published?.note, published?.via], ['v3', 'carla', 'review from 40', 'dashboard']);
    await page.locator('#versions-body tr.in-force[data-version="v3"]').waitFor();
    await page.locator('#diff-title', { hasText: 'v2 → v3' }).waitFor();

    await page.click('#versions-body tr[data-version="v1"] button[data-rollback]');
    await page.locator('#notice', { hasText: 'a note saying why' }).waitFor();
    await page.fill('#publish-note', 'back to the first rules');
    await page.click('#versions-body tr[data-version="v1"] button[data-rollback]');
    const rollback = (await auditOf(pipeline, 4))[3];
    assert.deepEqual([rollback?.version, rollback?.action, rollback?.previous, rollback?.note], ['v1', 'rollback', 'v3', 'back to the first rules']);
    await page.locator('#versions-body tr.in-force', { hasText: 'rollback from v3' }).waitFor();
    assert.equal(await page.locator('#versions-body tr').count(), 4);
    assert.equal(await page.locator('#versions-body tr[data-version="v1"] button[data-rollback]').count(), 0, 'no roll back to what is in force');
    await page.locator('#ruleset-version', { hasText: /^v1$/ }).waitFor(); // the rules table follows the rules topic
    assert.equal(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).__xss), 'undefined', 'no injected code ran');
    assert.deepEqual(problems, [], 'no console errors');
    await screenshot(page, 'dashboard-rules-versions.png');
  });
});
