import { z } from 'zod';

/**
 * A published ruleset or model, as it travels on the rules topic (the one in force, per
 * key) and on the audit topic (every publication, rollbacks included). One shape for
 * every kind: `content` is the file's text as its author wrote it, so what a detector
 * runs, what the audit keeps and what a diff compares are the same bytes.
 */
export const ARTIFACT_KINDS = ['ruleset', 'model'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export const ARTIFACT_ACTIONS = ['publish', 'rollback'] as const;
export type ArtifactAction = (typeof ARTIFACT_ACTIONS)[number];

/** Printable text on one line: an author or a version shows in tables and logs. */
const ONE_LINE = /^[^\p{Cc}]*$/u;
/** A note may span lines, but carries no other control characters (terminal escapes). */
const NOTE_TEXT = /^[^\p{Cc}]*(?:\n[^\p{Cc}]*)*$/u;

export const AUTHOR_MAX = 64;
export const NOTE_MAX = 1000;
export const VERSION_MAX = 100;

export const AuthorSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(AUTHOR_MAX, `must be at most ${AUTHOR_MAX} characters`)
  .regex(ONE_LINE, 'must be one line of printable text');

export const NoteSchema = z
  .string()
  .trim()
  .min(1, 'is required: say why this version goes live')
  .max(NOTE_MAX, `must be at most ${NOTE_MAX} characters`)
  .regex(NOTE_TEXT, 'must be printable text');

export const VersionSchema = z.string().min(1).max(VERSION_MAX).regex(ONE_LINE, 'must be one line of printable text');

export const PublishedArtifactSchema = z.object({
  /** Unique per publication: a retried write read twice is one entry. */
  id: z.string().min(1).max(100),
  kind: z.enum(ARTIFACT_KINDS),
  /** The key on the rules topic: one artifact in force per name. */
  name: z.string().min(1).max(64),
  /** The version as published, unique per kind: decisions name it. */
  version: VersionSchema,
  /** The version the content itself declares; differs from `version` when that name was taken by other content. */
  declaredVersion: VersionSchema,
  /** `sha256:` and the hex digest of `content`'s UTF-8 bytes. */
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  content: z.string(),
  author: AuthorSchema,
  note: NoteSchema,
  publishedAt: z.iso.datetime(),
  action: z.enum(ARTIFACT_ACTIONS),
  /** The version in force just before, when one was. */
  previous: VersionSchema.nullable(),
  /** Where it was published from. */
  via: z.enum(['cli', 'dashboard']),
});

export type PublishedArtifact = z.infer<typeof PublishedArtifactSchema>;

/**
 * The artifact in a rules-topic or audit-topic value, or undefined when the value is not
 * one (a bare ruleset published before the audit trail existed, or garbage).
 */
export function parsePublishedArtifact(text: string): PublishedArtifact | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = PublishedArtifactSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** True when the value claims to be an artifact (has a kind and a content), valid or not. */
export function looksLikeArtifact(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && 'kind' in value && 'content' in value;
  } catch {
    return false;
  }
}
