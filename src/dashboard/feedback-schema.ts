import { z } from 'zod';
import { VERDICTS } from '../domain/decision.ts';

/** An analyst's label: `fraud` confirms the alert, `legit` marks it a false positive. */
export const LABELS = ['fraud', 'legit'] as const;
export type Label = (typeof LABELS)[number];

/**
 * The body of POST /api/feedback. Only what the analyst decides: the verdict, rules and
 * ruleset version are the server's (from the decision it saw), so a browser cannot
 * forge what the detector said. Unknown fields are refused: a typo must not pass silently.
 */
export const FeedbackRequestSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty').max(256),
  label: z.enum(LABELS),
  analyst: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64)
    // Control characters would let a name forge lines in logs and exports.
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
    .optional(),
});

export type FeedbackRequest = z.infer<typeof FeedbackRequestSchema>;

/**
 * A record of the feedback topic (keyed by transaction id). Read leniently, since other
 * tools may write the topic too: only `id` and `label` are required.
 */
export const FeedbackRecordSchema = z.object({
  id: z.string().min(1).max(256),
  label: z.enum(LABELS),
  verdict: z.enum(VERDICTS).optional(),
  rules: z.array(z.string().min(1).max(256)).max(100).default([]),
  rulesVersion: z.string().max(256).optional(),
  analyst: z.string().max(256).optional(),
  at: z.string().max(64).optional(),
});

export type FeedbackRecord = z.infer<typeof FeedbackRecordSchema>;

/** The problems of a refused body, one line each, for the 400 answer. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}
