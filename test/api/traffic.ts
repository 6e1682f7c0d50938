import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { startApi, type RunningApi } from '../../src/api/index.ts';
import type { Log } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { RunningFraud } from '../helpers/cli.ts';
import { eventually, readAll } from '../helpers/log.ts';
import type { PipelineTopics } from '../helpers/pipeline.ts';
import { aPayment, apiSettings } from './fixtures.ts';

export interface Sent {
  body: string;
  id: string;
  /** The API instance it was sent to; retries go there too. */
  url: string;
  status: number;
  answer: string;
}

/** A listening API on `log` (real HTTP on a free port), closed when the test ends. */
export async function listeningApi(t: TestContext, log: Log, topics: PipelineTopics, deadlineMs: number): Promise<RunningApi> {
  const api = await startApi({ log, topics, settings: apiSettings({ deadlineMs }), maxRecordBytes: 65_536, metrics: createMetrics(undefined, { processMetrics: false }), logger: silentLogger() });
  t.after(() => api.close());
  return api;
}

export async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}v1/decisions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, text: await response.text() };
}

/** Retries a probe until a detector answers it: the pipeline is up. */
export async function untilDeciding(url: string, timeoutMs: number): Promise<void> {
  const probe = JSON.stringify(aPayment());
  assert.ok(await eventually(async () => (await post(url, probe)).status === 200, timeoutMs, 200), 'a detector decides');
}

/**
 * Sends `count` distinct transactions at `perSecond`, spread over the API instances, without
 * waiting for answers (independent clients); `during(i)` runs after the i-th is sent.
 */
export async function sendSpread(urls: string[], count: number, perSecond: number, during: (sent: number) => void | Promise<void>): Promise<Sent[]> {
  const pending: Array<Promise<Sent>> = [];
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / perSecond - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const payment = aPayment({ source: `acct-${i % 23}` });
    const body = JSON.stringify(payment);
    const url = urls[i % urls.length] as string;
    pending.push(post(url, body).then(({ status, text }) => ({ body, id: String(payment.id), url, status, answer: text })));
    await during(i + 1);
  }
  return Promise.all(pending);
}

/** Retries the requests that got the fallback until each answers 200 (the decision the stream made meanwhile). */
export async function retryUntilDecided(sent: Sent[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const request of sent.filter((item) => item.status !== 200)) {
    while (request.status !== 200 && Date.now() < deadline) {
      const { status, text } = await post(request.url, request.body);
      request.status = status;
      request.answer = text;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Every accepted request decided exactly once on the stream, written once to the
 * transactions topic, and every 200 answer the very record the stream holds.
 */
export async function assertDecidedOnce(log: Log, topics: PipelineTopics, sent: Sent[]): Promise<{ decisions: number; transactions: number }> {
  const ours = new Set(sent.map((item) => item.id));
  const decisions = new Map<string, string[]>();
  for (const record of [...(await readAll(log, topics.legit)), ...(await readAll(log, topics.fraud))]) {
    const id = (JSON.parse(String(record.value)) as { id: string }).id;
    if (ours.has(id)) decisions.set(id, [...(decisions.get(id) ?? []), String(record.value)]);
  }
  const written = (await readAll(log, topics.transactions)).map((record) => (JSON.parse(String(record.value)) as { id: string }).id).filter((id) => ours.has(id));
  assert.equal(written.length, ours.size, 'each transaction written once');
  assert.equal(new Set(written).size, ours.size);
  const deadLetters = (await readAll(log, topics.deadLetter)).map((record) => String(record.value));
  for (const request of sent) {
    assert.equal(request.status, 200, `${request.id} answered: ${request.answer}`);
    // The dead letters naming the id tell a decision the stream lost from one it refused.
    const letters = deadLetters.filter((letter) => letter.includes(request.id));
    assert.deepEqual(decisions.get(request.id), [request.answer], `${request.id}: one decision, the one answered (${request.answer}); its dead letters: ${letters.join(' | ') || 'none'}`);
  }
  assert.deepEqual(deadLetters, []);
  return { decisions: [...decisions.values()].flat().length, transactions: written.length };
}

/** SIGKILL, and wait for the exit. */
export async function kill(detector: RunningFraud): Promise<void> {
  detector.child.kill('SIGKILL');
  assert.equal((await detector.exited).signal, 'SIGKILL');
}
