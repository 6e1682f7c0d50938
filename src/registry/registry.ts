import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AuthorSchema, NoteSchema, type ArtifactKind, type PublishedArtifact } from '../domain/artifact.ts';
import { FraudError } from '../errors.ts';
import type { Log, LogProducer, OutgoingRecord } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import { handlerFor } from './kinds.ts';
import { contentDigest, nameVersion } from './naming.ts';
import { AuditTrail, RulesInForce, type InForce } from './trail.ts';

export interface RegistryOptions {
  log: Log;
  topics: { rules: string; audit: string };
  logger: Logger;
  now?: () => number;
}

/** Who publishes and why: required on every publication, rollbacks included. */
export interface Signature {
  author: string;
  note: string;
  via: PublishedArtifact['via'];
}

export interface PublishRequest extends Signature {
  kind?: ArtifactKind;
  content: string;
  /** Key on the rules topic; the kind's default ("default" for rulesets). */
  name?: string;
  /** Where the content comes from, for error messages (a file name). */
  origin?: string;
}

export interface RollbackRequest extends Signature {
  kind?: ArtifactKind;
  version: string;
}

export type PublishResult =
  | { status: 'published'; entry: PublishedArtifact; renamed: boolean; summary: string }
  /** The very content is in force under this version already: nothing written. */
  | { status: 'unchanged'; inForce: InForce; summary: string };

/** What publishing a content would do, without doing it. */
export interface PublishPlan {
  kind: ArtifactKind;
  declaredVersion: string;
  /** The version it would go by (see nameVersion). */
  version: string;
  renamed: boolean;
  digest: string;
  summary: string;
  /** True when this very content is in force under this version already. */
  unchanged: boolean;
  inForce: InForce | undefined;
}

export interface History {
  /** Newest first. */
  entries: PublishedArtifact[];
  current: InForce | null;
}

const WRITE_ATTEMPTS = 3;
const SignatureSchema = z.object({ author: AuthorSchema, note: NoteSchema });

/**
 * Versions and audit of published rulesets (and, with their handler, models). A
 * publication is written twice in one send: to the audit topic, which keeps them all, and
 * to the compacted rules topic, which detectors follow. Publications of one registry are
 * serialised, so two analysts on one dashboard cannot race for a version name.
 */
export class ArtifactRegistry {
  readonly #options: RegistryOptions;
  readonly #trail: AuditTrail;
  readonly #inForce: RulesInForce;
  readonly #now: () => number;
  #producer: Promise<LogProducer> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RegistryOptions) {
    this.#options = options;
    this.#trail = new AuditTrail(options.log, options.topics.audit, options.logger);
    this.#inForce = new RulesInForce(options.log, options.topics.rules);
    this.#now = options.now ?? Date.now;
  }

  async history(kind: ArtifactKind = 'ruleset'): Promise<History> {
    const entries = (await this.#trail.entries()).filter((entry) => entry.kind === kind).reverse();
    return { entries, current: (await this.#inForce.current(kind)) ?? null };
  }

  current(kind: ArtifactKind = 'ruleset'): Promise<InForce | undefined> {
    return this.#inForce.current(kind);
  }

  /** The latest publication of a version (the same content whichever: a version names one content). */
  async find(version: string, kind: ArtifactKind = 'ruleset'): Promise<PublishedArtifact | undefined> {
    const entries = await this.#trail.entries();
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i];
      if (entry?.kind === kind && entry.version === version) return entry;
    }
    return undefined;
  }

  async require(version: string, kind: ArtifactKind = 'ruleset'): Promise<PublishedArtifact> {
    const entry = await this.find(version, kind);
    if (entry) return entry;
    throw new FraudError('FRAUD_RULES_VERSION_UNKNOWN', `no published ${kind} has the version "${version}"`, {
      problems: [`version: "${version}" is not in the audit topic ${this.#options.topics.audit} (fraud rules history lists them)`],
    });
  }

  publish(request: PublishRequest): Promise<PublishResult> {
    return this.#serially(() => this.#publish(request));
  }

  rollback(request: RollbackRequest): Promise<PublishResult> {
    return this.#serially(() => this.#rollback(request));
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    const producer = await this.#producer?.catch(() => undefined);
    await producer?.close();
  }

  /** Checks a content and says which version it would be published as. Throws FRAUD_RULES_INVALID with every problem. */
  async plan(request: Pick<PublishRequest, 'kind' | 'content' | 'origin'>): Promise<PublishPlan> {
    const kind = request.kind ?? 'ruleset';
    const { declaredVersion, summary } = handlerFor(kind).check(request.content, request.origin ?? `the ${kind}`);
    const digest = contentDigest(request.content);
    const { version, renamed } = nameVersion(kind, declaredVersion, digest, await this.#trail.entries());
    const inForce = await this.#inForce.current(kind);
    const unchanged = inForce?.version === version && inForce.digest === digest;
    return { kind, declaredVersion, version, renamed, digest, summary, unchanged, inForce };
  }

  async #publish(request: PublishRequest): Promise<PublishResult> {
    const signature = checkSignature(request);
    const plan = await this.plan(request);
    const { kind, version, declaredVersion, digest, renamed, summary, inForce } = plan;
    if (plan.unchanged && inForce) return { status: 'unchanged', inForce, summary };
    const entry = this.#entry({ kind, version, declaredVersion, digest, content: request.content, name: request.name ?? handlerFor(kind).defaultName }, signature, 'publish', inForce);
    await this.#write(entry);
    return { status: 'published', entry, renamed, summary };
  }

  async #rollback(request: RollbackRequest): Promise<PublishResult> {
    const kind = request.kind ?? 'ruleset';
    const handler = handlerFor(kind);
    const signature = checkSignature(request);
    const target = await this.require(request.version, kind);
    // Checked again: the code may have moved on since, and a detector would refuse it.
    const { summary } = handler.check(target.content, `${kind} ${target.version}`);
    const inForce = await this.#inForce.current(kind);
    if (inForce?.version === target.version && inForce.digest === target.digest) return { status: 'unchanged', inForce, summary };
    const entry = this.#entry(target, signature, 'rollback', inForce);
    await this.#write(entry);
    return { status: 'published', entry, renamed: false, summary };
  }

  #entry(
    content: Pick<PublishedArtifact, 'kind' | 'version' | 'declaredVersion' | 'digest' | 'content' | 'name'>,
    signature: Signature,
    action: PublishedArtifact['action'],
    inForce: InForce | undefined,
  ): PublishedArtifact {
    const { kind, version, declaredVersion, digest, name } = content;
    return {
      id: randomUUID(),
      kind,
      name,
      version,
      declaredVersion,
      digest,
      content: content.content,
      author: signature.author,
      note: signature.note,
      publishedAt: new Date(this.#now()).toISOString(),
      action,
      previous: inForce?.version ?? null,
      via: signature.via,
    };
  }

  /**
   * Audit first, then the rules topic, in one send; retried with the very same records
   * (the Kafka producer then writes none twice). A write that still fails may have
   * reached one topic and not the other: the error says so, and history shows which.
   */
  async #write(entry: PublishedArtifact): Promise<void> {
    const value = JSON.stringify(entry);
    const records: OutgoingRecord[] = [
      { topic: this.#options.topics.audit, key: `${entry.kind}/${entry.version}`, value },
      { topic: this.#options.topics.rules, key: entry.name, value },
    ];
    const producer = await this.#producerOnce();
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send(records);
        return;
      } catch (cause) {
        if (attempt >= WRITE_ATTEMPTS) {
          throw new FraudError('FRAUD_LOG_IO', `publishing ${entry.kind} ${entry.version} failed; it may be recorded without being in force (fraud rules history shows which)`, {
            cause,
            canRetry: true,
          });
        }
        this.#options.logger.warn({ err: cause, attempt }, 'publishing failed; retrying');
      }
    }
  }

  #producerOnce(): Promise<LogProducer> {
    this.#producer ??= this.#options.log.createProducer().catch((error: unknown) => {
      this.#producer = undefined;
      throw error;
    });
    return this.#producer;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function checkSignature(request: Signature): Signature {
  const parsed = SignatureSchema.safeParse(request);
  if (parsed.success) return { ...parsed.data, via: request.via };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new FraudError('FRAUD_USAGE', 'every publication needs an author and a note', { problems });
}
