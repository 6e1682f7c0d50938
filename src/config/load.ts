import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { core } from 'zod';
import { FraudError } from '../errors.ts';
import { ConfigSchema, type Config } from './schema.ts';
import { SETTINGS, type SettingKind, type SettingSource } from './settings.ts';

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Commander's parsed options (camelCase); only the ones in SETTINGS are read. */
  flags?: Record<string, unknown>;
  /** A YAML or JSON file shaped like the configuration object; FRAUD_CONFIG names one too. */
  file?: string;
}

type Raw = Record<string, unknown>;

/**
 * Builds the configuration from defaults < file < environment < flags and validates it
 * once. Every problem is collected, so one failed start lists them all (exit code 2).
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? {};
  const raw: Raw = {};
  const origin = new Map<string, string>();
  const problems: string[] = [];
  const file = sources.file ?? env.FRAUD_CONFIG;
  if (file) mergeFile(raw, origin, file, problems);
  for (const setting of SETTINGS) {
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') apply(raw, origin, setting, fromEnv, `environment ${setting.env}`, problems);
    const fromFlag = setting.flag ? sources.flags?.[setting.flag] : undefined;
    if (fromFlag !== undefined) apply(raw, origin, setting, fromFlag, `--${kebab(setting.flag ?? '')}`, problems);
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) problems.push(...result.error.issues.map((issue) => describe(issue, origin)));
  if (problems.length > 0 || !result.success) {
    throw new FraudError('FRAUD_CONFIG_INVALID', `the configuration has ${problems.length} problem(s)`, { problems });
  }
  return result.data;
}

function apply(raw: Raw, origin: Map<string, string>, setting: SettingSource, value: unknown, label: string, problems: string[]): void {
  const converted = convert(setting.kind, value);
  if (converted.ok) {
    setPath(raw, setting.path, converted.value);
    origin.set(setting.path.join('.'), label);
  } else {
    problems.push(`${label}: ${converted.problem}, got ${JSON.stringify(value)}`);
  }
}

function convert(kind: SettingKind, value: unknown): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (typeof value !== 'string') return { ok: true, value };
  const text = value.trim();
  switch (kind) {
    case 'number': {
      const number = text === '' ? Number.NaN : Number(text);
      return Number.isFinite(number) ? { ok: true, value: number } : { ok: false, problem: 'must be a number' };
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(text)) return { ok: true, value: true };
      if (/^(0|false|no|off)$/i.test(text)) return { ok: true, value: false };
      return { ok: false, problem: 'must be true or false' };
    case 'list':
      return { ok: true, value: text.split(',').map((item) => item.trim()).filter((item) => item.length > 0) };
    default:
      return { ok: true, value };
  }
}

function mergeFile(raw: Raw, origin: Map<string, string>, file: string, problems: string[]): void {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`config file ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (parsed === null || parsed === undefined) return;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`config file ${file}: must hold an object of settings`);
    return;
  }
  walk(parsed as Raw, [], (path, value) => {
    setPath(raw, path, value);
    origin.set(path.join('.'), `config file ${file}: ${path.join('.')}`);
  });
}

function walk(object: Raw, prefix: string[], visit: (path: string[], value: unknown) => void): void {
  for (const [key, value] of Object.entries(object)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) walk(value as Raw, [...prefix, key], visit);
    else visit([...prefix, key], value);
  }
}

function setPath(target: Raw, path: string[], value: unknown): void {
  let node = target;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Raw;
  });
}

function describe(issue: core.$ZodIssue, origin: Map<string, string>): string {
  const path = issue.path.map(String);
  // A list item's problem (brokers[1]) belongs to the setting that holds the list.
  let label: string | undefined;
  for (let length = path.length; length > 0 && label === undefined; length--) label = origin.get(path.slice(0, length).join('.'));
  const where = label ?? (path.join('.') || 'configuration');
  const item = path.length > 0 && /^\d+$/.test(path[path.length - 1] ?? '') ? ` (item ${Number(path[path.length - 1]) + 1})` : '';
  return `${where}${item}: ${issue.message}`;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** YAML is loaded only when a settings file is given: most starts have none, and it is a large module. */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}
