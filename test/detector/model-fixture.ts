import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelFile } from '../../src/model/format.ts';

/**
 * A hand-made model over the detector's own features: one tree, fraud likely when the
 * account's biggest payment of the hour (this one, for a new account) is above `cut`.
 * p = sigmoid(±`strength`), so the figures a test expects can be computed by hand.
 */
export function anAmountModel(options: { version?: string; cut?: number; strength?: number; features?: string[] } = {}): ModelFile {
  const strength = options.strength ?? 3;
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    id: 'amount',
    version: options.version ?? '1',
    createdAt: '2026-01-01T00:00:00.000Z',
    features: options.features ?? ['source.max_1h', 'source.count_1h'],
    training: { since: '2026-01-01T00:00:00.000Z', until: '2026-01-08T00:00:00.000Z', delayDays: 7, rows: 100, frauds: 10, seconds: 0.1 },
    library: { name: 'fraud-detector/model', version: '0.1.0', runtime: 'node' },
    hyperParameters: { trees: 1 },
    metrics: {},
    model: {
      kind: 'gbdt-logistic',
      baseScore: 0,
      trees: [{ feature: [0, -1, -1], threshold: [options.cut ?? 500, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, -strength, strength], cover: [100, 90, 10] }],
    },
  };
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
