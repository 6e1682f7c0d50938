/**
 * The kinds of entity the detector remembers, each keyed by one field of the transaction.
 * The account (`source`) is the key the transactions topic is partitioned by; the others
 * are seen from every partition: a device, an ip, a card, a merchant or a payee is shared
 * by accounts of any partition, so their state is the whole stream's, not one partition's.
 */
export const Kind = {
  /** The paying account: its own payments and its profile (habits, first-seen sets, last place). */
  ACCOUNT: 0,
  /** A card, whatever account pays with it. */
  CARD: 1,
  /** The receiver of a card payment (the `target` of a non-transfer). */
  MERCHANT: 2,
  /** The receiver of a transfer (an account, as a payee). */
  PAYEE: 3,
  DEVICE: 4,
  IP: 5,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const KIND_COUNT = 6;

/** One character per kind: the prefix of its keys in the local store and the changelog. */
export const KIND_PREFIX = ['a', 'c', 'm', 'p', 'd', 'i'] as const;
export const KIND_NAMES = ['account', 'card', 'merchant', 'payee', 'device', 'ip'] as const;

export function kindOfPrefix(prefix: string): Kind | undefined {
  const index = (KIND_PREFIX as readonly string[]).indexOf(prefix);
  return index < 0 ? undefined : (index as Kind);
}

/** Tags of the entries of an entity's first-seen sets (several sets share one array). */
export const SetTag = {
  /** Counterparties: payees and merchants of an account, accounts of a device, merchants of a card… */
  PARTY: 0,
  DEVICE: 1,
  COUNTRY: 2,
  IP: 3,
  CATEGORY: 4,
} as const;
export type SetTag = (typeof SetTag)[keyof typeof SetTag];

export const SET_TAG_COUNT = 5;
