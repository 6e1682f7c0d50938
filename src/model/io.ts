import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { FraudError } from '../errors.ts';
import { validateModel, type ModelFile } from './format.ts';

/** Reads and validates a model file (see validateModel for the error codes). */
export function readModelFile(path: string, options: { availableFeatures?: ReadonlySet<string> } = {}): ModelFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FraudError('FRAUD_MODEL_INVALID', `cannot read the model file ${path}`, { cause });
  }
  return parseModelText(text, path, options);
}

export function parseModelText(text: string, origin: string, options: { availableFeatures?: ReadonlySet<string> } = {}): ModelFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FraudError('FRAUD_MODEL_INVALID', `${origin} is not JSON`, { cause, problems: [String(cause)] });
  }
  return validateModel(value, options);
}

/** Writes the model as JSON through a temporary file, so a reader never sees half a model. */
export function writeModelFile(path: string, model: ModelFile): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(model, jsonNumbers)}\n`);
  renameSync(temporary, path);
}

/** NaN and infinities are not JSON: metrics that have none (no fraud in a period) are written as null. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
