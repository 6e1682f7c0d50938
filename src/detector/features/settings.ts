import { z } from 'zod';

const names = z.array(z.string().min(1).max(64)).max(256);

/**
 * The channel vocabulary: which `channel` values mean a payment in person (where the
 * coordinates are where the payer stands, so travel speed means something), online, or a
 * transfer between accounts. Other people's data uses other words (`card`, `pos`,
 * `card-present`…): these are configuration, matched case-insensitively.
 */
export const ChannelsSchema = z
  .object({
    inPerson: names.default(['card-present', 'card_present', 'cp', 'pos', 'atm', 'in-store', 'in_store', 'card', 'chip', 'contactless', 'swipe']),
    online: names.default(['ecommerce', 'e-commerce', 'ecom', 'online', 'web', 'app', 'mobile', 'cnp', 'card-not-present', 'card_not_present', 'moto']),
    transfer: names.default(['transfer', 'p2p', 'wire', 'sepa', 'ach', 'bank-transfer', 'bank_transfer', 'faster-payment', 'instant']),
  })
  .prefault({})
  .superRefine((channels, context) => {
    const seen = new Map<string, string>();
    for (const [group, values] of Object.entries(channels)) {
      for (const value of values) {
        const key = value.toLowerCase();
        const other = seen.get(key);
        if (other && other !== group) context.addIssue({ code: 'custom', path: [group], message: `"${value}" is also listed as ${other}` });
        seen.set(key, group);
      }
    }
  });

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
    /** Days until a transaction's label is usually known: the fraud rates count the transactions that ended this long ago. */
    labelDelayDays: z.number().min(0).max(9).default(7),
    channels: ChannelsSchema,
  })
  .prefault({});

export type FeatureSettings = z.infer<typeof FeatureSettingsSchema>;
export type Channels = z.infer<typeof ChannelsSchema>;
