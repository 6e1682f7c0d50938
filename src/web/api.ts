import { toReview, toReviews, toRulesInfo, type Label, type Review, type RulesInfo } from './analyst-types.ts';
import { isRecord, text } from './messages.ts';

/**
 * Calls to the dashboard's JSON API. Same-origin requests: the browser sends the session
 * cookie, Origin and Sec-Fetch-Site by itself, which is what the server checks.
 */
export async function fetchRules(): Promise<RulesInfo | undefined> {
  return toRulesInfo(await getJson('/api/rules'));
}

export async function fetchReviews(): Promise<Review[]> {
  return toReviews(await getJson('/api/feedback'));
}

export type VerdictResult = { ok: true; review: Review } | { ok: false; message: string };

export async function postVerdict(id: string, label: Label, analyst: string): Promise<VerdictResult> {
  const body = analyst === '' ? { id, label } : { id, label, analyst };
  let response: Response;
  try {
    response = await fetch('/api/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    return { ok: false, message: 'the dashboard cannot be reached' };
  }
  const answer: unknown = await response.json().catch(() => undefined);
  const review = response.ok && isRecord(answer) ? toReview(answer.record) : undefined;
  if (review) return { ok: true, review };
  const message = isRecord(answer) ? text(answer.message) : '';
  return { ok: false, message: message || `the server answered ${response.status}` };
}

export async function getJson(url: string): Promise<unknown> {
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    return response.ok ? ((await response.json()) as unknown) : undefined;
  } catch {
    return undefined; // a server restarting: the next poll or hello tries again
  }
}
