import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { FeatureMatrix } from '../../src/model/types.ts';

/** A seeded uniform stream in [0, 1), so fixtures are the same on every run. */
export function uniform(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => uniformFloat64(rng);
}

/**
 * `rows` rows of `columns` uniform features; fraud when x0 + x1 > 1.5 (a diagonal no single
 * split finds), plus 1% label noise.
 */
export function aDiagonalProblem(rows: number, columns: number, seed = 3): { matrix: FeatureMatrix; labels: Uint8Array } {
  const next = uniform(seed);
  const data = new Float64Array(rows * columns);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) data[i * columns + j] = next();
    const fraud = (data[i * columns] as number) + (data[i * columns + 1] as number) > 1.5;
    labels[i] = (next() < 0.01 ? !fraud : fraud) ? 1 : 0;
  }
  return { matrix: { data, rows, columns }, labels };
}
