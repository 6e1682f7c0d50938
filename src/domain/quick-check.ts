/**
 * The transaction schema's checks written out by hand, for the hot path: a well-formed
 * transaction (the common case) passes here without zod's generic machinery. It only ever
 * says "valid" for input the schema accepts too (a test holds the two to that); for
 * anything else the schema decides and explains.
 */
const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Za-z]{2}$/;
const MCC = /^\d{4}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_EPOCH_MS = 32_503_680_000_000;
const OPTIONAL_TEXT = ['id', 'channel', 'merchant', 'device', 'ip', 'card'] as const;

export function quickCheck(value: Record<string, unknown>): boolean {
  if (!isText(value.source) || !isText(value.target)) return false;
  const amount = value.amount;
  if (typeof amount !== 'number' || !(amount > 0) || amount === Number.POSITIVE_INFINITY) return false;
  if (typeof value.currency !== 'string' || !CURRENCY.test(value.currency)) return false;
  for (const field of OPTIONAL_TEXT) if (value[field] != null && !isText(value[field])) return false;
  return timestampOk(value.timestamp) && placeOk(value) && mccOk(value.mcc);
}

function isText(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 256;
}

function timestampOk(value: unknown): boolean {
  if (value == null) return true;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH_MS;
  return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}

function placeOk(value: Record<string, unknown>): boolean {
  const { lat, lon, country } = value;
  if (lat != null && !(typeof lat === 'number' && lat >= -90 && lat <= 90)) return false;
  if (lon != null && !(typeof lon === 'number' && lon >= -180 && lon <= 180)) return false;
  return country == null || (typeof country === 'string' && COUNTRY.test(country));
}

function mccOk(value: unknown): boolean {
  if (value == null) return true;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 9999;
  return typeof value === 'string' && MCC.test(value);
}
