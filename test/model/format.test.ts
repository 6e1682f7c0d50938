import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, validateModel, type ModelFile } from '../../src/model/format.ts';
import { readModelFile, writeModelFile } from '../../src/model/io.ts';
import { CompiledEnsemble } from '../../src/model/scorer.ts';
import { ModelScorer } from '../../src/model/model-scorer.ts';
import { train } from '../../src/model/train.ts';
import { aDiagonalProblem } from './fixtures.ts';

function aModelFile(overrides: Partial<ModelFile> = {}): ModelFile {
  const { matrix, labels } = aDiagonalProblem(500, 3);
  const trained = train(matrix, labels, { trees: 5, maxDepth: 3 });
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    id: 'test',
    version: '1',
    createdAt: '2024-01-01T00:00:00.000Z',
    features: ['source.count_1h', 'source.amount_ratio', 'time.night'],
    training: { since: '2024-01-01T00:00:00.000Z', until: '2024-01-08T00:00:00.000Z', delayDays: 7, rows: 500, frauds: trained.positives, seconds: 0.1 },
    library: { name: 'fraud-detector/model', version: '0.1.0', runtime: 'node' },
    hyperParameters: { ...trained.options },
    metrics: {},
    model: trained.ensemble,
    ...overrides,
  };
}

function codeOf(fn: () => unknown): { code: string; problems: string[] } {
  try {
    fn();
  } catch (error) {
    const e = error as { code: string; problems: string[] };
    return { code: e.code, problems: e.problems };
  }
  assert.fail('expected an error');
}

test('a model written to a file reads back the same and scores the same', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fraud-model-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = aModelFile({ metrics: {} });
  const path = join(dir, 'model.json');
  writeModelFile(path, model);
  const read = readModelFile(path, { availableFeatures: new Set(model.features) });
  assert.deepEqual(read, model);
  const x = [0.9, 0.8, 0.1];
  assert.equal(new CompiledEnsemble(read.model).probability(x), new CompiledEnsemble(model.model).probability(x));
});

test('an unknown format or format version is refused as such, before its shape is looked at', () => {
  assert.equal(codeOf(() => validateModel({ format: 'onnx', formatVersion: 1 })).code, 'FRAUD_MODEL_FORMAT');
  assert.equal(codeOf(() => validateModel({ ...aModelFile(), formatVersion: 2 })).code, 'FRAUD_MODEL_FORMAT');
  assert.equal(codeOf(() => validateModel('model')).code, 'FRAUD_MODEL_FORMAT');
});

test('a model of the right format but the wrong shape lists its problems', () => {
  const broken = { ...aModelFile(), features: [], training: { since: 'x' } };
  const { code, problems } = codeOf(() => validateModel(broken));
  assert.equal(code, 'FRAUD_MODEL_INVALID');
  assert.ok(problems.some((p) => p.startsWith('features')) && problems.some((p) => p.startsWith('training')), String(problems));
});

test('trees that loop, read past the feature list or differ in length are refused', () => {
  const model = aModelFile();
  const tree = structuredClone(model.model.trees[0]!);
  tree.left[0] = 0;
  tree.feature[0] = 7;
  const { code, problems } = codeOf(() => validateModel({ ...model, model: { ...model.model, trees: [tree] } }));
  assert.equal(code, 'FRAUD_MODEL_INVALID');
  assert.ok(problems.some((p) => p.includes('feature 7')) && problems.some((p) => p.includes('children')), String(problems));
  const short = { ...structuredClone(model.model.trees[0]!), value: [0] };
  assert.equal(codeOf(() => validateModel({ ...model, model: { ...model.model, trees: [short] } })).code, 'FRAUD_MODEL_INVALID');
});

test('a model reading features the detector does not compute is refused, naming them', () => {
  const model = aModelFile();
  const { code, problems } = codeOf(() => validateModel(model, { availableFeatures: new Set(['source.count_1h']) }));
  assert.equal(code, 'FRAUD_MODEL_FEATURES');
  assert.deepEqual(problems, ['missing feature: source.amount_ratio', 'missing feature: time.night']);
});

test('a file that is not JSON, or absent, fails with FRAUD_MODEL_INVALID', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fraud-model-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bad.json'), '{ not json');
  assert.equal(codeOf(() => readModelFile(join(dir, 'bad.json'))).code, 'FRAUD_MODEL_INVALID');
  assert.equal(codeOf(() => readModelFile(join(dir, 'absent.json'))).code, 'FRAUD_MODEL_INVALID');
});

test('NaN metrics are written as null, so the file stays JSON', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fraud-model-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = aModelFile({ training: { ...aModelFile().training, seconds: Number.NaN } as ModelFile['training'] });
  writeModelFile(join(dir, 'm.json'), model);
  assert.match(readFileSync(join(dir, 'm.json'), 'utf8'), /"seconds":null/);
});

test('ModelScorer reads the features object by name and names the features that pushed the score up', () => {
  const model = aModelFile();
  const scorer = new ModelScorer(model);
  const f = { source: { count_1h: 0.95, amount_ratio: 0.9 }, time: { night: false } };
  const p = scorer.score(f);
  assert.equal(p, new CompiledEnsemble(model.model).probability([0.95, 0.9, 0]));
  const top = scorer.topContributions(2);
  assert.ok(top.length > 0 && top.every((c) => c.contribution > 0));
  assert.deepEqual(top.map((c) => c.feature).sort(), ['source.amount_ratio', 'source.count_1h'].slice(0, top.length).sort());
});
