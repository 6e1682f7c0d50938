/**
 * 32-bit FNV-1a of a string. State keeps hashes of counterparties, devices and countries
 * instead of the strings: a few bytes per entry instead of tens, and distinct counts
 * stay exact in practice (a collision among the few dozen values of one key is ~1e-7).
 */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
