import { FraudError } from '../../errors.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import {
  B_COUNT, B_INDEX, B_MAX, B_MIN, B_SUM, BUCKET_FIELDS, DAY_SLOTS, Entity, F_AMOUNT, F_EXTRA, F_FLAGS, F_PARTY, F_TIME, FIELDS,
  headerSlots, HOUR_SLOTS, newBuckets,
} from './entity.ts';
import { KIND_COUNT, type Kind } from './kinds.ts';
import { DAY_MS, HOUR_MS, LONGEST_WINDOW_MS } from './limits.ts';
import { SET_STRIDE } from './sets.ts';

/**
 * The bytes of an entity, as the local store and the changelog keep it. Lossless: a
 * decoded entity decides every later transaction exactly as the one encoded would, which
 * is what makes a restored detector's decisions those of an uninterrupted one. Compact:
 * times as varint deltas, amounts as varint cents where that is exact, and only what a
 * window can still read (ring events and buckets of the last 30 days).
 */
export const CODEC_VERSION = 2;

const writer = new ByteWriter();

export function encodeEntity(entity: Entity): Buffer {
  const w = writer;
  w.reset();
  w.byte(CODEC_VERSION);
  w.byte(entity.kind);
  for (const value of entity.d) w.float64(value);
  const newest = entity.lastSeen;
  let kept = 0;
  while (kept < entity.size && newest - entity.event(kept, F_TIME) <= LONGEST_WINDOW_MS) kept++;
  const integral = ringTimesIntegral(entity, kept) && setTimesIntegral(entity.s);
  w.byte(integral ? 0 : 1);
  w.uvarint(kept);
  let previous = kept > 0 ? entity.event(kept - 1, F_TIME) : 0;
  if (kept > 0) time(w, previous, integral);
  for (let i = kept - 1; i >= 0; i--) {
    const at = entity.event(i, F_TIME);
    if (i < kept - 1) delta(w, at, previous, integral);
    previous = at;
    amount(w, entity.event(i, F_AMOUNT));
    w.int32(entity.event(i, F_PARTY));
    w.uvarint(entity.event(i, F_FLAGS));
    w.int32(entity.event(i, F_EXTRA));
  }
  const s = entity.s;
  w.uvarint(s.length / SET_STRIDE);
  for (let i = 0; i < s.length; i += SET_STRIDE) {
    w.byte(s[i] as number);
    w.int32(s[i + 1] as number);
    delta(w, s[i + 2] as number, newest, integral);
  }
  writeBuckets(w, entity.b, newest);
  writeLabels(w, entity.l);
  return w.take();
}

export function decodeEntity(bytes: Buffer, home: number, ringCaps: readonly number[]): Entity {
  try {
    const r = new ByteReader(bytes);
    const version = r.byte();
    if (version !== CODEC_VERSION) throw new RangeError(`state format ${version}, this detector reads ${CODEC_VERSION}`);
    const kind = r.byte();
    if (kind >= KIND_COUNT) throw new RangeError(`unknown entity kind ${kind}`);
    const entity = new Entity(kind as Kind, home, ringCaps[kind] as number);
    for (let i = 0; i < headerSlots(kind as Kind); i++) entity.d[i] = r.float64();
    const integral = r.byte() === 0;
    const count = r.uvarint();
    const events = new Array<number>(count * FIELDS);
    let previous = count > 0 ? readTime(r, integral) : 0;
    for (let i = 0; i < count; i++) {
      if (i > 0) previous = readDelta(r, previous, integral);
      events[i * FIELDS + F_TIME] = previous;
      events[i * FIELDS + F_AMOUNT] = readAmount(r);
      events[i * FIELDS + F_PARTY] = r.int32();
      events[i * FIELDS + F_FLAGS] = r.uvarint();
      events[i * FIELDS + F_EXTRA] = r.int32();
    }
    entity.loadEvents(events, count, Math.min(entity.maxEvents, nextPowerOfTwo(count)));
    const newest = entity.lastSeen;
    const entries = r.uvarint();
    if (entries > 0) {
      const s = new Array<number>(entries * SET_STRIDE);
      for (let i = 0; i < entries; i++) {
        s[i * SET_STRIDE] = r.byte();
        s[i * SET_STRIDE + 1] = r.int32();
        s[i * SET_STRIDE + 2] = readDelta(r, newest, integral);
      }
      entity.s = s;
    }
    entity.b = readBuckets(r);
    entity.l = readLabels(r);
    entity.used = false;
    return entity;
  } catch (cause) {
    throw new FraudError('FRAUD_STATE_CORRUPT', `an entity's state could not be read: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

function ringTimesIntegral(entity: Entity, kept: number): boolean {
  for (let i = 0; i < kept; i++) if (!Number.isSafeInteger(entity.event(i, F_TIME))) return false;
  return kept === 0 || Number.isSafeInteger(entity.lastSeen);
}

function setTimesIntegral(s: readonly number[]): boolean {
  for (let i = 2; i < s.length; i += SET_STRIDE) if (!Number.isSafeInteger(s[i])) return false;
  return true;
}

function time(w: ByteWriter, value: number, integral: boolean): void {
  if (integral) w.varint(value);
  else w.float64(value);
}

function readTime(r: ByteReader, integral: boolean): number {
  return integral ? r.varint() : r.float64();
}

function delta(w: ByteWriter, value: number, from: number, integral: boolean): void {
  if (integral && Number.isSafeInteger(from)) w.varint(value - from);
  else w.float64(value);
}

function readDelta(r: ByteReader, from: number, integral: boolean): number {
  return integral && Number.isSafeInteger(from) ? from + r.varint() : r.float64();
}

/** Cents as a varint when that is the exact amount (nearly always), else the double. */
function amount(w: ByteWriter, value: number): void {
  const cents = Math.round(value * 100);
  if (cents >= 0 && Number.isSafeInteger(cents) && cents / 100 === value) {
    w.uvarint(cents * 2);
  } else {
    w.uvarint(1);
    w.float64(value);
  }
}

function readAmount(r: ByteReader): number {
  const code = r.uvarint();
  return code % 2 === 1 ? r.float64() : code / 2 / 100;
}

/** Only the buckets a window can still read: hours of the last day, days of the last 30. */
function writeBuckets(w: ByteWriter, b: number[] | undefined, newest: number): void {
  const live: number[] = [];
  if (b) {
    const hour = Math.floor(newest / HOUR_MS);
    const day = Math.floor(newest / DAY_MS);
    for (let slot = 0; slot < HOUR_SLOTS + DAY_SLOTS; slot++) {
      const index = b[slot * BUCKET_FIELDS + B_INDEX] as number;
      const recent = slot < HOUR_SLOTS ? hour - index < HOUR_SLOTS : day - index < DAY_SLOTS;
      if (index >= 0 && recent) live.push(slot);
    }
  }
  if (!b || live.length === 0) {
    w.byte(b ? 1 : 0);
    if (b) w.uvarint(0);
    return;
  }
  w.byte(1);
  w.uvarint(live.length);
  for (const slot of live) {
    const at = slot * BUCKET_FIELDS;
    w.uvarint(slot);
    w.uvarint(b[at + B_INDEX] as number);
    w.uvarint(b[at + B_COUNT] as number);
    w.float64(b[at + B_SUM] as number);
    w.float64(b[at + B_MIN] as number);
    w.float64(b[at + B_MAX] as number);
  }
}

function readBuckets(r: ByteReader): number[] | undefined {
  if (r.byte() === 0) return undefined;
  const b = newBuckets();
  const live = r.uvarint();
  for (let i = 0; i < live; i++) {
    const slot = r.uvarint();
    if (slot >= HOUR_SLOTS + DAY_SLOTS) throw new RangeError(`bucket slot ${slot} out of range`);
    const at = slot * BUCKET_FIELDS;
    b[at + B_INDEX] = r.uvarint();
    b[at + B_COUNT] = r.uvarint();
    b[at + B_SUM] = r.float64();
    b[at + B_MIN] = r.float64();
    b[at + B_MAX] = r.float64();
  }
  return b;
}

/** Labels: their counts and each kept label's times, raw (there are few). */
function writeLabels(w: ByteWriter, l: number[] | undefined): void {
  if (!l) {
    w.uvarint(0);
    return;
  }
  w.uvarint(l.length);
  for (const value of l) w.float64(value);
}

function readLabels(r: ByteReader): number[] | undefined {
  const length = r.uvarint();
  if (length === 0) return undefined;
  const l = new Array<number>(length);
  for (let i = 0; i < length; i++) l[i] = r.float64();
  return l;
}

function nextPowerOfTwo(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}

