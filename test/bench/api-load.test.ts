import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadAt } from '../../src/bench/api-load.ts';

/** A stand-in for the API: answers every POST with `status`, noting when each request arrived. */
function stubApi(status: () => number): { server: Server; arrivals: number[]; bodies: string[] } {
  const arrivals: number[] = [];
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    arrivals.push(performance.now());
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(body);
      response.writeHead(status(), { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { server, arrivals, bodies };
}

describe('the decision API load generator', () => {
  let answer = 200;
  const stub = stubApi(() => answer);
  let url = '';

  before(async () => {
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => stub.server.close(() => resolve())));

  test('sends rate × seconds requests, each with its own body, spread over the second rather than in one burst', async () => {
    stub.arrivals.length = 0;
    stub.bodies.length = 0;
    let n = 0;
    const run = await loadAt({ url, rate: 200, seconds: 1, body: () => JSON.stringify({ n: n++ }), log: 'embedded', signal: new AbortController().signal });
    assert.equal(run.requests, 200);
    assert.equal(run.decided, 200);
    assert.deepEqual(run.statuses, { 200: 200 });
    assert.equal(run.sustained, true);
    assert.equal(new Set(stub.bodies).size, 200, 'every request carried a body of its own');
    // Open loop: requests are due every 5 ms. A per-second limiter (autocannon's) sends the
    // whole second's quota at once; here no 100 ms holds more than half of it.
    const sorted = [...stub.arrivals].sort((a, b) => a - b);
    let densest = 0;
    for (let i = 0, j = 0; i < sorted.length; i++) {
      while ((sorted[i] as number) - (sorted[j] as number) > 100) j++;
      densest = Math.max(densest, i - j + 1);
    }
    assert.ok(densest <= 100, `at most 100 requests within 100 ms, saw ${densest}`);
  });

  test('answers other than 2xx are counted by status and make the rate not sustained', async () => {
    answer = 503;
    try {
      const run = await loadAt({ url, rate: 50, seconds: 1, body: () => '{}', log: 'kafka', signal: new AbortController().signal });
      assert.equal(run.decided, 0);
      assert.deepEqual(run.statuses, { 503: 50 });
      assert.equal(run.sustained, false);
    } finally {
      answer = 200;
    }
  });
});
