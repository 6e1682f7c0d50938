import { userInfo } from 'node:os';
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import { AuthorSchema, NoteSchema, type ArtifactKind } from '../domain/artifact.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import type { Log } from '../log/types.ts';
import { createLogger } from '../observability/logger.ts';
import {
  ArtifactRegistry,
  compareArtifacts,
  entrySummary,
  formatDiff,
  formatHistory,
  historyView,
  inForceSummary,
  namedSide,
  versionSide,
  type PublishResult,
} from '../registry/index.ts';
import { configAndOptions } from './options.ts';

/** Where a command prints its result: standard output, or a test's buffer. */
export type Output = (text: string) => void;

/** Absent is empty, so a missing --note gets the schema's "is required" and not a type error. */
const required = <T extends z.ZodType>(schema: T) => z.preprocess((value) => value ?? '', schema);

const SignatureOptions = z.object({
  note: required(NoteSchema),
  author: required(AuthorSchema),
  json: z.boolean().default(false),
});
const PublishOptions = SignatureOptions.extend({
  name: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be lowercase letters, digits and "-"').optional(),
  kind: z.enum(['ruleset', 'model']).default('ruleset'),
});
const ReadOptions = z.object({ json: z.boolean().default(false), model: z.boolean().default(false) });
const RollbackOptions = SignatureOptions.extend({ model: z.boolean().default(false) });

const kindOf = (options: { model: boolean }): ArtifactKind => (options.model ? 'model' : 'ruleset');

export async function publishAction(out: Output, file: string, content: string, flags: Record<string, unknown>): Promise<void> {
  const { config, options } = configAndOptions(PublishOptions, withAuthor(flags));
  await withRegistry(config, flags, async (registry) => {
    // A model's default key differs from a ruleset's: on the compacted topic, one of each stays in force.
    const result = await registry.publish({ kind: options.kind, content, origin: file, name: options.name, author: options.author, note: options.note, via: 'cli' });
    print(out, options.json, resultJson(result), () => publishedLine(result, config));
  });
}

export async function rollbackAction(out: Output, version: string, flags: Record<string, unknown>): Promise<void> {
  const { config, options } = configAndOptions(RollbackOptions, withAuthor(flags));
  await withRegistry(config, flags, async (registry) => {
    const result = await registry.rollback({ kind: kindOf(options), version, author: options.author, note: options.note, via: 'cli' });
    print(out, options.json, resultJson(result), () => publishedLine(result, config));
  });
}

export async function historyAction(out: Output, flags: Record<string, unknown>): Promise<void> {
  const { config, options } = configAndOptions(ReadOptions, flags);
  await withRegistry(config, flags, async (registry) => {
    const history = await registry.history(kindOf(options));
    print(out, options.json, historyView(history), () => formatHistory(history));
  });
}

export async function showAction(out: Output, version: string, flags: Record<string, unknown>): Promise<void> {
  const { config, options } = configAndOptions(ReadOptions, flags);
  await withRegistry(config, flags, async (registry) => {
    const side = await versionSide(registry, version, kindOf(options));
    const entry = await registry.find(side.version, kindOf(options));
    print(out, options.json, entry ?? { version: side.version, content: side.content }, () => side.content.endsWith('\n') ? side.content : `${side.content}\n`);
  });
}

export async function diffAction(out: Output, a: string, b: string, flags: Record<string, unknown>): Promise<void> {
  const { config, options } = configAndOptions(ReadOptions, flags);
  await withRegistry(config, flags, async (registry) => {
    const diff = compareArtifacts(await namedSide(registry, a), await namedSide(registry, b));
    print(out, options.json, diff, () => formatDiff(diff));
  });
}

/** The OS user when --author is not given: who ran the command is who published. */
function withAuthor(flags: Record<string, unknown>): Record<string, unknown> {
  if (typeof flags.author === 'string') return flags;
  return { ...flags, author: osUser() };
}

function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return process.env.USER ?? process.env.LOGNAME; // no passwd entry (some containers)
  }
}

async function withRegistry(config: Config, flags: Record<string, unknown>, work: (registry: ArtifactRegistry) => Promise<void>): Promise<void> {
  if (typeof flags.rulesTopic === 'string') config.topics.rules = flags.rulesTopic;
  if (typeof flags.auditTopic === 'string') config.topics.audit = flags.auditTopic;
  const log: Log = await openLog(config);
  const registry = new ArtifactRegistry({ log, topics: config.topics, logger: createLogger(config.logLevel) });
  try {
    await log.ensureTopics(pipelineTopics(config));
    await work(registry);
  } finally {
    await registry.close();
    await log.close();
  }
}

function print(out: Output, json: boolean, value: unknown, text: () => string): void {
  out(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}

function publishedLine(result: PublishResult, config: Config): string {
  const kind = result.status === 'unchanged' ? result.inForce.kind : result.entry.kind;
  if (result.status === 'unchanged') return `${kind} ${result.inForce.version} is already in force with this content: nothing published\n`;
  const { entry } = result;
  const verb = entry.action === 'rollback' ? 'rolled back to' : 'published';
  const replaced = entry.previous === null ? '' : `, in place of ${entry.previous}`;
  const lines = [`${verb} ${kind} ${entry.version} (${result.summary}) on ${config.topics.rules} as "${entry.name}"${replaced}, by ${entry.author}; recorded in ${config.topics.audit}`];
  if (result.renamed) lines.push(`version ${entry.declaredVersion} was published before with other content: this one is ${entry.version}`);
  return `${lines.join('\n')}\n`;
}

function resultJson(result: PublishResult): unknown {
  if (result.status === 'unchanged') return { status: result.status, summary: result.summary, current: inForceSummary(result.inForce) };
  return { status: result.status, renamed: result.renamed, summary: result.summary, entry: entrySummary(result.entry) };
}
