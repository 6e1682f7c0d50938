import { Random } from '../random.ts';

/**
 * A random stream named after what it is for. The background traffic seeds its own
 * generator with the bare seed; each scenario kind hashes the seed with its name, so
 * adding a kind, or draws to one, never shifts the numbers of another or of the
 * background. Within a kind, `fork()` separates concerns (schedule, transactions).
 */
export function namedStream(seed: number, name: string): Random {
  const random = new Random(fnv1a(`${seed}/${name}`));
  // pure-rand seeds xoroshiro from 32 bits, leaving a low-entropy state; a jump mixes it.
  random.fork();
  return random;
}

/** FNV-1a, 32 bits: a stable, well-spread seed from a short string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
