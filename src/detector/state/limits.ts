import { z } from 'zod';
import { KIND_COUNT, SET_TAG_COUNT } from './kinds.ts';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/**
 * The longest window a feature reads: events older than this are never needed again. 30
 * days, plus the label delay of the fraud rates (frauds among the transactions of the 30
 * days that ended a week ago, when their labels are known).
 */
export const LONGEST_WINDOW_MS = 40 * DAY_MS;

/**
 * How much one entity may hold. Events of the recent ring answer every window exactly;
 * when a busy entity's ring overflows, events younger than the longest window are folded
 * into hourly and daily buckets, so memory per entity is bounded whatever its traffic.
 */
export const StateLimitsSchema = z
  .object({
    /** Recent events kept per entity, by kind (account, card, merchant, payee, device, ip). */
    ringEvents: z.array(z.number().int().min(4).max(1024)).length(KIND_COUNT).default([48, 24, 24, 24, 24, 24]),
    /**
     * Capacity of each first-seen set (counterparty: payees and merchants of an account,
     * accounts of a device…; device; country; ip; merchant category). Past it the least recently *used* entry is forgotten, so a home country
     * used every week stays known however many ips an account goes through.
     */
    setCapacity: z.array(z.number().int().min(1).max(1024)).length(SET_TAG_COUNT).default([64, 16, 16, 32, 32]),
    /** An entity idle this long (event time) is forgotten: its profile with its windows. */
    retentionDays: z.number().min(1).max(3650).default(90),
  })
  .prefault({});

export type StateLimits = z.infer<typeof StateLimitsSchema>;

export const DEFAULT_LIMITS: StateLimits = StateLimitsSchema.parse({});
