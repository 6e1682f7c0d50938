import { z } from 'zod';
import { AuthorSchema, NoteSchema, VersionSchema } from '../domain/artifact.ts';

/** A ruleset the page may publish: the shipped one is 5 KB; a megabyte leaves room for long lists. */
export const MAX_CONTENT_BYTES = 1024 * 1024;
/** The body limit of the routes that carry a ruleset (the dashboard's default is 16 KiB). */
export const CONTENT_BODY_LIMIT = MAX_CONTENT_BYTES + 16 * 1024;

const Content = z.string().min(1, 'must not be empty').refine((text) => Buffer.byteLength(text) <= MAX_CONTENT_BYTES, `must be at most ${MAX_CONTENT_BYTES} bytes`);

/**
 * The bodies of the rules view's POSTs. The author is what the analyst types: the
 * dashboard has one access token and no accounts, so it is a claim, recorded as such
 * (with `via: "dashboard"`). Unknown fields are refused.
 */
export const CheckRequestSchema = z.strictObject({ content: Content });
export const PublishRequestSchema = z.strictObject({ content: Content, author: AuthorSchema, note: NoteSchema });
export const RollbackRequestSchema = z.strictObject({ version: VersionSchema, author: AuthorSchema, note: NoteSchema });
