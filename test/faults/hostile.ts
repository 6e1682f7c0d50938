import type { OutgoingRecord } from '../../src/log/types.ts';

/**
 * Hostile records: what a broken or malicious producer may write to the transactions
 * topic. Each is keyed `<prefix>-<n>`, so its dead letter (same key) can be matched to it.
 * Seeded, so a failure can be replayed.
 */

type Random = () => number;

/** mulberry32: small, fast and good enough to vary test inputs reproducibly. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const validShape = (random: Random): Record<string, unknown> => ({
  source: `ACC${int(random, 1, 999)}`,
  target: `M${int(random, 1, 999)}`,
  amount: int(random, 1, 5000) / 4,
  currency: 'EUR',
});

/** Values of the wrong type (or out of range) for each field: none of them can make a valid transaction. */
const WRONG_VALUES: Record<string, unknown[]> = {
  source: [42, true, [], {}, null],
  target: [7.5, false, ['M1'], { id: 'M1' }, null],
  amount: ['12.50', true, [], {}, null, -1, 0],
  currency: [978, true, [], 'euro', 'eur', null],
  timestamp: ['yesterday', true, {}, [], '2026-13-45T99:00:00Z'],
};

/** Each kind: its share of the records, and a maker of one value (null = no value). */
const KINDS: Record<string, { share: number; make: (random: Random) => Buffer | string | null }> = {
  randomBytes: { share: 20, make: (random) => Buffer.from(Array.from({ length: int(random, 1, 300) }, () => int(random, 0, 255))) },
  truncatedJson: {
    share: 15,
    make: (random) => {
      const text = JSON.stringify(validShape(random));
      return text.slice(0, int(random, 1, text.length - 1));
    },
  },
  deeplyNested: {
    share: 5,
    make: (random) => {
      const depth = int(random, 33, 20_000);
      return random() < 0.5 ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    },
  },
  wrongTypes: {
    share: 15,
    make: (random) => {
      const tx = validShape(random);
      const field = pick(random, Object.keys(WRONG_VALUES));
      tx[field] = pick(random, WRONG_VALUES[field] ?? []);
      return JSON.stringify(tx);
    },
  },
  nanInfinity: {
    share: 10,
    make: (random) => {
      const literal = pick(random, ['"NaN"', '"Infinity"', '"-Infinity"', '1e400', '-1e400', '"1e309"']);
      return JSON.stringify(validShape(random)).replace(/"amount":[^,}]+/, `"amount":${literal}`);
    },
  },
  hugeStrings: {
    share: 5,
    make: (random) => {
      const tx = validShape(random);
      // Over the 64 KB record limit, or under it in a field that must be short.
      if (random() < 0.5) tx.source = 'A'.repeat(int(random, 70_000, 300_000));
      else tx.currency = 'E'.repeat(int(random, 1_000, 60_000));
      return JSON.stringify(tx);
    },
  },
  controlCharacters: {
    share: 10,
    make: (random) => {
      const control = String.fromCharCode(int(random, 0, 31));
      const tx = validShape(random);
      if (random() < 0.5) return JSON.stringify(tx).replace('"source":"', `"source":"${control}`); // raw: not JSON
      tx.currency = `${control}EU`;
      return JSON.stringify(tx);
    },
  },
  empty: { share: 10, make: () => '' },
  nullValue: { share: 10, make: () => null },
};

/** Records up to a few kilobytes short of the broker's 1 MB limit: they reach the detector, which must refuse them. */
function nearBrokerLimit(random: Random): string {
  return `{"source":"${'S'.repeat(int(random, 1_000_000, 1_045_000))}"}`;
}

export interface HostileSet {
  records: OutgoingRecord[];
  /** The kind of each record, by key. */
  kinds: Map<string, string>;
}

/**
 * `total` hostile records for `topic`: the kinds above in their shares, 20 near the
 * broker's size limit, and a burst of large ones under one key, whose dead letters land
 * in one partition of one batch (2.6 MB, more than the broker takes in one request).
 */
export function hostileRecords(topic: string, total: number, seed: number, prefix = 'hostile'): HostileSet {
  const random = seededRandom(seed);
  const kinds = new Map<string, string>();
  const records: OutgoingRecord[] = [];
  const add = (kind: string, value: Buffer | string | null, key = `${prefix}-${records.length}`): void => {
    records.push({ topic, key, value });
    kinds.set(key, kind);
  };
  for (let i = 0; i < 20; i++) add('nearBrokerLimit', nearBrokerLimit(random));
  for (let i = 0; i < 40; i++) add('largeBurst', `{"source":"burst","pad":"${'B'.repeat(100_000)}"}`, `${prefix}-burst-${i}`);
  const shares = Object.values(KINDS).reduce((sum, kind) => sum + kind.share, 0);
  const makers = Object.entries(KINDS);
  while (records.length < total) {
    let roll = random() * shares;
    const [name, kind] = makers.find(([, candidate]) => (roll -= candidate.share) < 0) ?? (makers[0] as (typeof makers)[number]);
    add(name, kind.make(random));
  }
  return { records, kinds };
}

/** Valid transactions with known ids, keyed by their paying account as the contract says. */
export function validRecords(topic: string, total: number, seed: number): OutgoingRecord[] {
  const random = seededRandom(seed);
  return Array.from({ length: total }, (_, i) => {
    const shape = validShape(random);
    const tx = { id: `valid-${seed}-${i}`, ...shape, timestamp: new Date(Date.parse('2026-06-01T00:00:00Z') + i * 100).toISOString() };
    return { topic, key: String(shape.source), value: JSON.stringify(tx) };
  });
}

/** Interleaves two lists at random positions, keeping the order within each (per key order matters). */
export function interleave<T>(a: T[], b: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const mixed: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && random() < a.length / (a.length + b.length));
    mixed.push((takeA ? a[i++] : b[j++]) as T);
  }
  return mixed;
}
