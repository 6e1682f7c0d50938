import { z } from 'zod';

/** Feature parameters; part of the ruleset (`features:`), so they are versioned with the rules that use them. */
export const FeatureSettingsSchema = z
  .object({
    /** At or below this, a payment counts as small (card testing probes). */
    smallAmount: z.number().positive().default(5),
    /** The cash-reporting threshold structuring stays under. */
    reportingThreshold: z.number().positive().default(10_000),
    /** Share of the threshold from which a payment is "just below" it. */
    nearThresholdShare: z.number().min(0.5).max(1).default(0.9),
    /** Geo speed is only measured between places at least this far apart (GPS and IP noise). */
    minTravelKm: z.number().min(0).default(100),
  })
  .prefault({});

export type FeatureSettings = z.infer<typeof FeatureSettingsSchema>;
