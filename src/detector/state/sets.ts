import type { Entity } from './entity.ts';

/**
 * First-seen sets of an entity: what it has used before (payees, devices, countries,
 * ips, merchants, categories of an account; the accounts of a device…), each entry
 * (tag, hash, last used) in one plain array of doubles shared by all of the entity's
 * sets. Each tag has its own capacity; past it the entry used least recently is
 * forgotten, so what an account uses every week is never pushed out by a stream of
 * one-off values. A few dozen entries are scanned faster than any hash set is built.
 */
export const SET_STRIDE = 3;
const S_TAG = 0;
const S_HASH = 1;
const S_USED = 2;

export function setHas(s: readonly number[], tag: number, hash: number): boolean {
  for (let i = 0; i < s.length; i += SET_STRIDE) if (s[i + S_HASH] === hash && s[i + S_TAG] === tag) return true;
  return false;
}

/**
 * Marks `hash` used at `time` in the entity's `tag` set, adding it (and forgetting the
 * least recently used entry of the tag past `capacity`) when it is new.
 */
export function setTouch(entity: Entity, tag: number, hash: number, time: number, capacity: number): void {
  const s = entity.s;
  let held = 0;
  let oldest = -1;
  let oldestUsed = Number.POSITIVE_INFINITY;
  for (let i = 0; i < s.length; i += SET_STRIDE) {
    if (s[i + S_TAG] !== tag) continue;
    if (s[i + S_HASH] === hash) {
      if (time > (s[i + S_USED] as number)) s[i + S_USED] = time;
      return;
    }
    held++;
    if ((s[i + S_USED] as number) < oldestUsed) {
      oldestUsed = s[i + S_USED] as number;
      oldest = i;
    }
  }
  if (held >= capacity && oldest >= 0) {
    s[oldest + S_HASH] = hash;
    s[oldest + S_USED] = time;
    return;
  }
  // A new array of exactly the right length: V8 pads an array pushed to with room for
  // more, which across millions of entities is memory for nothing.
  const next = new Array<number>(s.length + SET_STRIDE);
  for (let i = 0; i < s.length; i++) next[i] = s[i] as number;
  next[s.length + S_TAG] = tag;
  next[s.length + S_HASH] = hash;
  next[s.length + S_USED] = time;
  entity.s = next;
}

/** Entries of `tag` last used at or after `since`: distinct counterparties over a long window. */
export function countUsedSince(s: readonly number[], tag: number, since: number): number {
  let count = 0;
  for (let i = 0; i < s.length; i += SET_STRIDE) if (s[i + S_TAG] === tag && (s[i + S_USED] as number) >= since) count++;
  return count;
}
