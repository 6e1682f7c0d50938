import { existsSync, readFileSync } from 'node:fs';
import type { ArtifactKind } from '../domain/artifact.ts';
import { FraudError } from '../errors.ts';
import type { DiffSide } from './compare.ts';
import { handlerFor } from './kinds.ts';
import type { ArtifactRegistry } from './registry.ts';

/** The word that names what is in force now, wherever a version is expected. */
export const CURRENT = 'current';

/** A published version (or `current`) as a side of a diff. */
export async function versionSide(registry: ArtifactRegistry, label: string, kind: ArtifactKind = 'ruleset'): Promise<DiffSide> {
  if (label === CURRENT) {
    const inForce = await registry.current(kind);
    if (!inForce) throw new FraudError('FRAUD_RULES_VERSION_UNKNOWN', `no ${kind} is in force on the rules topic`, { problems: [`${CURRENT}: nothing published yet`] });
    return { kind, label, version: inForce.version, source: 'audit', content: inForce.content };
  }
  const entry = await registry.require(label, kind);
  return { kind, label, version: entry.version, source: 'audit', content: entry.content };
}

/**
 * A side named on the command line: an existing file wins (so `./default-1` reads a file
 * even if a version has that name), else a published version, else `current`.
 */
export async function namedSide(registry: ArtifactRegistry, label: string, kind: ArtifactKind = 'ruleset'): Promise<DiffSide> {
  if (label !== CURRENT && existsSync(label)) {
    const content = readFileSync(label, 'utf8');
    const { declaredVersion } = handlerFor(kind).check(content, label);
    return { kind, label, version: declaredVersion, source: 'file', content };
  }
  try {
    return await versionSide(registry, label, kind);
  } catch (error) {
    if (error instanceof FraudError && error.code === 'FRAUD_RULES_VERSION_UNKNOWN' && label !== CURRENT) {
      throw new FraudError('FRAUD_RULES_VERSION_UNKNOWN', `"${label}" is neither a file nor a published version`, { problems: [`${label}: no such file, and not in the audit topic (fraud rules history lists the versions)`] });
    }
    throw error;
  }
}
