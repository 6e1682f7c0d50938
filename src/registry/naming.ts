import { createHash } from 'node:crypto';
import { VERSION_MAX, type ArtifactKind, type PublishedArtifact } from '../domain/artifact.ts';

/** `sha256:` and the hex digest of the content's UTF-8 bytes: what "the same content" means. */
export function contentDigest(content: string): string {
  return `sha256:${createHash('sha256').update(content, 'utf8').digest('hex')}`;
}

export interface VersionName {
  version: string;
  /** True when the declared version was taken by other content and a digest was appended. */
  renamed: boolean;
}

/**
 * The version a publication goes by. A version names one content for good: the declared
 * version when it is new, or when it was published before with this very content; when it
 * was published with other content, the declared version plus `+` and the first 8 hex
 * digits of this content's digest (more digits in the unlikely case those are taken too).
 * So publishing never fails for a repeated `version:` line, a published version never
 * changes meaning, and the same file always gets the same name.
 */
export function nameVersion(kind: ArtifactKind, declared: string, digest: string, history: readonly PublishedArtifact[]): VersionName {
  const digestOf = new Map<string, string>();
  for (const entry of history) if (entry.kind === kind && !digestOf.has(entry.version)) digestOf.set(entry.version, entry.digest);
  const free = (candidate: string): boolean => {
    const taken = digestOf.get(candidate);
    return taken === undefined || taken === digest;
  };
  if (free(declared)) return { version: declared, renamed: false };
  const hex = digest.slice('sha256:'.length);
  for (let digits = 8; digits <= hex.length; digits += 4) {
    const suffix = `+${hex.slice(0, digits)}`;
    const candidate = `${declared.slice(0, VERSION_MAX - suffix.length)}${suffix}`;
    if (free(candidate)) return { version: candidate, renamed: true };
  }
  // Only reachable if a full digest were taken by other content: a SHA-256 collision.
  throw new Error(`no free version name for ${declared}`);
}
