import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildDashboard, startDashboard } from '../../src/dashboard/index.ts';
import type { StatsView } from '../../src/dashboard/index.ts';
import { isFraudError } from '../../src/errors.ts';
import { aDeadLetter, aDecision, built, eventually, openPipeline } from './fixtures.ts';

const TOKEN = 'a-test-token-of-32-characters!!!';

async function statsOf(app: Awaited<ReturnType<typeof built>>): Promise<StatsView> {
  const response = await app.inject({ url: '/api/stats' });
  assert.equal(response.statusCode, 200);
  return response.json<StatsView>();
}

describe('dashboard routes', () => {
  test('GET /healthz is 200 with the log state while serving, 503 once the log is unhealthy', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const ok = await app.inject({ url: '/healthz' });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().status, 'ok');
    assert.equal(ok.json().log.kind, 'embedded');
    assert.equal(ok.json().log.ok, true);
    await pipeline.log.close();
    const down = await app.inject({ url: '/healthz' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().status, 'unavailable');
    assert.equal(down.json().log.ok, false);
  });

  test('GET /api/stats counts the decisions that arrive after start, not the history read at start', async (t) => {
    const pipeline = await openPipeline(t);
    await pipeline.write(aDecision({ verdict: 'fraud' }), aDecision()); // before start: history only
    const app = await built(pipeline);
    await pipeline.write(
      aDecision(),
      aDecision(),
      aDecision(),
      aDecision({ verdict: 'review' }),
      aDecision({ verdict: 'review' }),
      aDecision({ verdict: 'fraud' }),
      aDeadLetter(),
    );
    const stats = await eventually(async () => {
      const current = await statsOf(app);
      return current.transactions >= 7 ? current : undefined;
    }, 5000, 'seven decisions counted');
    assert.deepEqual(
      { transactions: stats.transactions, legit: stats.legit, review: stats.review, fraud: stats.fraud, deadLetter: stats.deadLetter },
      { transactions: 7, legit: 3, review: 2, fraud: 1, deadLetter: 1 },
    );
    assert.ok(Date.parse(stats.since) <= Date.now());
    assert.equal(typeof stats.rates.last10s.transactions, 'number');
    assert.equal(typeof stats.rates.last60s.fraud, 'number');
    assert.equal(stats.latencyMs.count, 7);
    assert.ok(stats.latencyMs.p50 !== null && stats.latencyMs.p50 >= 0);
    assert.ok(stats.latencyMs.p99 !== null && stats.latencyMs.p99 >= stats.latencyMs.p50);
    // Sizes come from partition bounds: they include the two records written before start.
    const sizes = await eventually(async () => {
      const current = await statsOf(app);
      return current.topics.legit.records === 4 ? current.topics : undefined;
    }, 3000, 'topic sizes refreshed');
    assert.deepEqual(
      { legit: sizes.legit.records, fraud: sizes.fraud.records, deadLetter: sizes.deadLetter.records, transactions: sizes.transactions.records },
      { legit: 4, fraud: 4, deadLetter: 1, transactions: 0 },
    );
    assert.equal(sizes.legit.name, pipeline.topics.legit);
  });

  test('GET /metrics serves the registry passed in, as Prometheus text', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const response = await app.inject({ url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain/);
    assert.match(response.body, /^# HELP fraud_dashboard_clients /m);
    assert.match(response.body, /^fraud_dashboard_dropped_clients_total 0$/m);
  });

  test('every response carries the security headers and a CSP without inline script or style', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    for (const url of ['/', '/app.js', '/api/stats', '/healthz', '/metrics', '/no-such-page']) {
      const response = await app.inject({ url });
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, url);
      assert.match(csp, /script-src 'self'/, url);
      assert.match(csp, /style-src 'self'/, url);
      assert.match(csp, /object-src 'none'/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(response.headers['referrer-policy'], 'no-referrer', url);
    }
  });

  test('GET / serves the page with no inline script, style or handler; its script and styles are bundled', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    const page = await app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<title>Fraud Detector<\/title>/);
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.ok(scripts.length > 0);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes ?? '', /\bsrc="\/app\.js"/);
      assert.equal(body?.trim(), '');
    }
    assert.doesNotMatch(page.body, /<style\b/i);
    assert.doesNotMatch(page.body, /\sstyle\s*=/i);
    assert.doesNotMatch(page.body, /\son[a-z]+\s*=/i);
    const script = await app.inject({ url: '/app.js' });
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    assert.ok(!/\.innerHTML\s*=/.test(script.body), 'the page code never assigns innerHTML');
    const styles = await app.inject({ url: '/styles.css' });
    assert.match(styles.body, /\.uplot/, 'uPlot styles are bundled in');
    const again = await app.inject({ url: '/app.js', headers: { 'if-none-match': String(script.headers.etag) } });
    assert.equal(again.statusCode, 304);
  });

  test('off loopback every route but /healthz needs the token: 401 without, 200 with', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline, pipeline.options({ host: '0.0.0.0', token: TOKEN }));
    for (const url of ['/', '/api/stats', '/metrics', '/app.js', '/events']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 401, url);
      assert.match(String(response.headers['www-authenticate']), /^Bearer/);
    }
    assert.equal((await app.inject({ url: '/api/stats', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/stats', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    for (const url of ['//x/healthz', '/healthz/../api/stats', '/api/stats?x=/healthz']) {
      assert.equal((await app.inject({ url })).statusCode, 401, `${url} does not borrow /healthz's exemption`);
    }
  });

  test('?token= on the page sets an HttpOnly SameSite=Strict cookie and redirects to a URL without the token', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline, pipeline.options({ host: '0.0.0.0', token: TOKEN }));
    const first = await app.inject({ url: `/?token=${encodeURIComponent(TOKEN)}` });
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, '/');
    const cookie = String(first.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.ok(!cookie.includes(TOKEN), 'the cookie holds a value derived from the token, not the token');
    const session = cookie.split(';')[0] ?? '';
    assert.equal((await app.inject({ url: '/', headers: { cookie: session } })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/stats', headers: { cookie: session } })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/stats', headers: { cookie: `${session}x` } })).statusCode, 401);
    assert.equal((await app.inject({ url: `/?token=not-the-token-at-all` })).statusCode, 401);
  });

  test('refuses to start off loopback without a token, listing the problem', async (t) => {
    const pipeline = await openPipeline(t);
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      await assert.rejects(startDashboard(pipeline.options({ host })), (error: unknown) => {
        assert.ok(isFraudError(error, 'FRAUD_CONFIG_INVALID'));
        assert.ok(error.problems.some((problem) => problem.startsWith('token:')), error.problems.join('; '));
        return true;
      });
    }
    await assert.rejects(buildDashboard(pipeline.options({ host: '0.0.0.0', token: 'short' })), (error: unknown) => isFraudError(error, 'FRAUD_CONFIG_INVALID'));
  });

  test('without a token, requests naming a non-local host are refused (DNS rebinding)', async (t) => {
    const pipeline = await openPipeline(t);
    const app = await built(pipeline);
    assert.equal((await app.inject({ url: '/api/stats', headers: { host: 'attacker.example:5000' } })).statusCode, 403);
    assert.equal((await app.inject({ url: '/api/stats', headers: { host: '127.0.0.1:5000' } })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/stats', headers: { host: '[::1]:5000' } })).statusCode, 200);
  });

  test('startDashboard listens on a free port with port 0 and closes cleanly', async (t) => {
    const pipeline = await openPipeline(t);
    const dashboard = await startDashboard(pipeline.options());
    assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(new URL('/healthz', dashboard.url));
    assert.equal(response.status, 200);
    await dashboard.close();
    await dashboard.close(); // twice is fine
    await assert.rejects(fetch(new URL('/healthz', dashboard.url)));
  });
});
