import type { PublishedArtifact } from '../domain/artifact.ts';
import type { History } from './registry.ts';
import type { InForce } from './trail.ts';

/** A publication without its content (which can be large): what lists and tables show. */
export type EntrySummary = Omit<PublishedArtifact, 'content'> & { contentBytes: number };

/** What is in force, without content: `id` is its publication's, null for a bare ruleset published without the audit trail. */
export type InForceSummary = Omit<InForce, 'content' | 'artifact'> & { id: string | null };

/** `fraud rules history --json` and GET /api/rules/versions. */
export interface HistoryView {
  current: InForceSummary | null;
  /** Newest first. */
  entries: EntrySummary[];
}

export function entrySummary(entry: PublishedArtifact): EntrySummary {
  const { content, ...rest } = entry;
  return { ...rest, contentBytes: Buffer.byteLength(content) };
}

export function inForceSummary(inForce: InForce): InForceSummary {
  const { content: _content, artifact, ...rest } = inForce;
  return { ...rest, id: artifact?.id ?? null };
}

export function historyView(history: History): HistoryView {
  return { current: history.current ? inForceSummary(history.current) : null, entries: history.entries.map(entrySummary) };
}
