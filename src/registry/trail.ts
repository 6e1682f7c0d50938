import type { ArtifactKind, PublishedArtifact } from '../domain/artifact.ts';
import { parsePublishedArtifact } from '../domain/artifact.ts';
import { parsePublishedRuleset } from '../detector/rules/published.ts';
import type { Log, LogRecord } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import { contentDigest } from './naming.ts';
import { TopicTail } from './tail.ts';

/**
 * Every publication on the audit topic, in the order they were written (the topic has
 * one partition), each once: a write retried after a lost acknowledgement carries the
 * same id and is read as one entry. Records that are not artifacts are skipped and logged.
 */
export class AuditTrail {
  readonly #tail: TopicTail;
  readonly #logger: Logger;
  readonly #entries: PublishedArtifact[] = [];
  readonly #ids = new Set<string>();

  constructor(log: Log, topic: string, logger: Logger) {
    this.#tail = new TopicTail(log, topic);
    this.#logger = logger;
  }

  async entries(): Promise<readonly PublishedArtifact[]> {
    for (const record of await this.#tail.readNew()) {
      const entry = record.value === null ? undefined : parsePublishedArtifact(record.value.toString('utf8'));
      if (entry === undefined) {
        this.#logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset }, 'audit record is not a published artifact: skipped');
        continue;
      }
      if (this.#ids.has(entry.id)) continue;
      this.#ids.add(entry.id);
      this.#entries.push(entry);
    }
    return this.#entries;
  }
}

/** What the rules topic holds in force for one kind: the newest valid record, as detectors take it. */
export interface InForce {
  kind: ArtifactKind;
  version: string;
  digest: string;
  /** The ruleset's (or model's) text. */
  content: string;
  name: string;
  /** When the record was written to the rules topic. */
  at: string;
  /** The publication, when it was written with one; a bare ruleset (written before the audit trail, or by another client) has none. */
  artifact: PublishedArtifact | null;
}

/**
 * Follows the rules topic the way a detector does: each record that is valid replaces
 * the one in force unless it is older; invalid records are passed over, as detectors
 * refuse them. One in force per kind (a ruleset and, later, a model).
 */
export class RulesInForce {
  readonly #tail: TopicTail;
  readonly #current = new Map<ArtifactKind, InForce & { timestamp: number }>();

  constructor(log: Log, topic: string) {
    this.#tail = new TopicTail(log, topic);
  }

  async current(kind: ArtifactKind): Promise<InForce | undefined> {
    for (const record of await this.#tail.readNew()) this.#apply(record);
    const found = this.#current.get(kind);
    if (!found) return undefined;
    const { timestamp: _timestamp, ...inForce } = found;
    return inForce;
  }

  #apply(record: LogRecord): void {
    if (record.value === null) return;
    const candidate = readInForce(record);
    if (!candidate) return;
    const previous = this.#current.get(candidate.kind);
    if (previous && record.timestamp < previous.timestamp) return;
    this.#current.set(candidate.kind, { ...candidate, timestamp: record.timestamp });
  }
}

function readInForce(record: LogRecord): InForce | undefined {
  const text = record.value?.toString('utf8') ?? '';
  const base = { name: record.key?.toString('utf8') ?? '', at: new Date(record.timestamp).toISOString() };
  const artifact = parsePublishedArtifact(text);
  if (artifact && artifact.kind !== 'ruleset') return { ...base, kind: artifact.kind, version: artifact.version, digest: artifact.digest, content: artifact.content, artifact };
  try {
    const published = parsePublishedRuleset(text, `${record.topic}@${record.offset}`);
    if (published.kind !== 'ruleset') return undefined;
    return artifact
      ? { ...base, kind: 'ruleset', version: artifact.version, digest: artifact.digest, content: artifact.content, artifact }
      : { ...base, kind: 'ruleset', version: published.ruleset.version, digest: contentDigest(text), content: text, artifact: null };
  } catch {
    return undefined; // refused by detectors too: the previous one stays in force
  }
}
