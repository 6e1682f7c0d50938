import { getJson } from './api.ts';
import { isRecord, text } from './messages.ts';
import { toCheck, toDiff, toHistory, type CheckInfo, type DiffInfo, type VersionHistory } from './versions-types.ts';

/** Calls behind the rules view's versions: same-origin JSON, like verdicts (the server checks Origin and the session). */
export async function fetchHistory(): Promise<VersionHistory | undefined> {
  return toHistory(await getJson('/api/rules/versions'));
}

/** A version's content ('current' for the one in force), or undefined when there is none. */
export async function fetchContent(version: string): Promise<string | undefined> {
  const raw = await getJson(`/api/rules/versions/${encodeURIComponent(version)}`);
  return isRecord(raw) && typeof raw.content === 'string' ? raw.content : undefined;
}

export type Answer<T> = { ok: true; value: T } | { ok: false; message: string };

export async function fetchDiff(a: string, b: string): Promise<Answer<DiffInfo>> {
  const query = new URLSearchParams({ a, b });
  return ask(`/api/rules/diff?${query.toString()}`, undefined, toDiff);
}

export function checkCandidate(content: string): Promise<Answer<CheckInfo>> {
  return ask('/api/rules/check', { content }, toCheck);
}

export interface Signature {
  author: string;
  note: string;
}

export interface Published {
  status: 'published' | 'unchanged';
  version: string;
  renamed: boolean;
}

export function publishCandidate(content: string, signature: Signature): Promise<Answer<Published>> {
  return ask('/api/rules/publish', { content, ...signature }, toPublished);
}

export function rollBack(version: string, signature: Signature): Promise<Answer<Published>> {
  return ask('/api/rules/rollback', { version, ...signature }, toPublished);
}

function toPublished(raw: unknown): Published | undefined {
  if (!isRecord(raw)) return undefined;
  const where = isRecord(raw.entry) ? raw.entry : isRecord(raw.current) ? raw.current : undefined;
  if (!where) return undefined;
  return { status: raw.status === 'unchanged' ? 'unchanged' : 'published', version: text(where.version), renamed: raw.renamed === true };
}

/** GET without a body, POST with one; the server's message (and first problems) on failure. */
async function ask<T>(url: string, body: unknown, read: (raw: unknown) => T | undefined): Promise<Answer<T>> {
  let response: Response;
  try {
    const init: RequestInit = body === undefined ? { headers: { accept: 'application/json' } } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    response = await fetch(url, init);
  } catch {
    return { ok: false, message: 'the dashboard cannot be reached' };
  }
  const raw: unknown = await response.json().catch(() => undefined);
  const value = response.ok ? read(raw) : undefined;
  if (value !== undefined) return { ok: true, value };
  return { ok: false, message: failure(raw, response.status) };
}

function failure(raw: unknown, status: number): string {
  if (!isRecord(raw)) return `the server answered ${status}`;
  const problems = Array.isArray(raw.problems) ? raw.problems.slice(0, 3).map(text) : [];
  return [text(raw.message) || `the server answered ${status}`, ...problems].join(': ');
}
