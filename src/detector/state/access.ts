import type { Entity } from './entity.ts';
import type { Kind } from './kinds.ts';

/**
 * What the feature code needs from the state: entities by kind and key, created on first
 * use, and a word when one changed. Implemented by the EntityStore (memory over the local
 * store); tests use it directly.
 */
export interface EntityAccess {
  /** The entity, created when it is new, or when it was idle past retention at `now` (forgotten). */
  get(kind: Kind, key: string, now: number): Entity;
  /** The entity if it exists and is alive at `now`; never creates one. */
  peek(kind: Kind, key: string, now: number): Entity | undefined;
  /** The entity changed: it is written at the next checkpoint and kept in memory until then. */
  changed(entity: Entity): void;
  /**
   * Whether the record being applied still changes this entity. False only while catching
   * up after a restore from the changelog, for entities whose restored state already
   * includes it (each changelog partition is restored at its own position).
   */
  applies(entity: Entity): boolean;
}
