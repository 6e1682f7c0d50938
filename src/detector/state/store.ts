import { partitionForKey } from '../../log/partitioner.ts';
import type { EntityAccess } from './access.ts';
import { decodeEntity, encodeEntity } from './codec.ts';
import { Entity } from './entity.ts';
import { KIND_PREFIX, Kind, kindOfPrefix } from './kinds.ts';
import { DAY_MS, type StateLimits } from './limits.ts';
import type { LocalStore } from './local-store.ts';
import { TxIndex } from './tx-index.ts';

export interface EntityStoreOptions {
  limits: StateLimits;
  /** Input partitions: an entity's home is the partition its key hashes to, as Kafka's partitioner puts keys. */
  partitions: number;
  /** Where entities past the memory budget live, and checkpoints; without one, everything stays in memory. */
  local?: LocalStore;
  /** Memory budget for entities held in memory (an estimate of their heap). */
  memoryBytes: number;
  /** Days of transactions kept by id for labels that name only an id; 0 keeps none. */
  labelIndexDays?: number;
}

/** One entity's bytes as a checkpoint writes them; null removes it. */
export interface EncodedEntity {
  key: string;
  home: number;
  value: Buffer | null;
}


/**
 * Every entity's state, as the detector keeps it: a cache in memory over the local
 * store, the way Kafka Streams puts a caching store in front of RocksDB. Entities changed
 * since the last checkpoint are dirty: kept in memory and written (to the local store,
 * and to the changelog by its writer) at the next checkpoint. Clean ones are evicted
 * past the memory budget (a clock sweep: each gets a second chance if used since the
 * last) and read back from the local store when needed. Forgetting is lazy and exact: an
 * entity idle past retention reads as new at the event time that finds it, whatever was
 * swept meanwhile.
 */
export class EntityStore implements EntityAccess {
  readonly #options: EntityStoreOptions;
  readonly #cache = new Map<string, Entity>();
  readonly #dirty = new Map<string, Entity>();
  readonly #retentionMs: number;
  #bytes = 0;
  #sweep: Iterator<Entity> | undefined;
  /** After a restore from the changelog: per home partition, the input position its entities already include. */
  #homeCuts: ReadonlyArray<readonly number[]> | undefined;
  #homeLabelCuts: ReadonlyArray<readonly number[]> | undefined;
  /** Per input partition: records before this offset are in the state already (decided late, not applied again). */
  #appliedBelow: number[] = [];
  /** The record being applied, and whether it is a label (positions in the labels topic). */
  #partition = 0;
  #offset = 0;
  #label = false;
  /** Bumped per checkpoint flush: entities changed after a flush stay dirty when it is saved. */
  #version = 0;

  /** Transactions by id, for labels. */
  readonly transactions: TxIndex;

  constructor(options: EntityStoreOptions) {
    this.#options = options;
    this.#retentionMs = options.limits.retentionDays * DAY_MS;
    this.transactions = new TxIndex(options.local, options.labelIndexDays ?? 0);
  }

  get local(): LocalStore | undefined {
    return this.#options.local;
  }

  get(kind: Kind, key: string, now: number): Entity {
    return this.#find(kind, key, now, true) as Entity;
  }

  peek(kind: Kind, key: string, now: number): Entity | undefined {
    return this.#find(kind, key, now, false);
  }

  changed(entity: Entity): void {
    entity.changedIn = this.#version;
    if (entity.dirty) return;
    entity.dirty = true;
    this.#dirty.set(entity.key, entity);
  }

  applies(entity: Entity): boolean {
    if (this.#label) {
      const cut = this.#homeLabelCuts?.[entity.home];
      return cut === undefined || this.#offset >= (cut[this.#partition] ?? 0);
    }
    if (this.#offset < (this.#appliedBelow[this.#partition] ?? 0)) return false;
    const cut = this.#homeCuts?.[entity.home];
    return cut === undefined || this.#offset >= (cut[this.#partition] ?? 0);
  }

  /**
   * After a restore from the changelog, each home partition's entities stand at their own
   * cut: until the input passes every cut, a record changes only the entities that do not
   * include it yet.
   */
  setCatchUp(homeCuts: ReadonlyArray<readonly number[]>, homeLabelCuts?: ReadonlyArray<readonly number[]>): void {
    this.#homeCuts = homeCuts;
    this.#homeLabelCuts = homeLabelCuts;
  }

  /** Whether the catch-up after a changelog restore is still going on (no checkpoint may be taken meanwhile). */
  get catchingUp(): boolean {
    return this.#homeCuts !== undefined;
  }

  /** The input stands at `positions` (and the labels at `labelPositions`): once past every home cut, the catch-up is over. */
  caughtUpTo(positions: readonly number[], labelPositions: readonly number[] = []): void {
    const cuts = this.#homeCuts;
    if (!cuts) return;
    const past = (all: ReadonlyArray<readonly number[]> | undefined, at: readonly number[]): boolean =>
      (all ?? []).every((cut) => cut.every((offset, partition) => (at[partition] ?? 0) >= offset));
    if (past(cuts, positions) && past(this.#homeLabelCuts, labelPositions)) {
      this.#homeCuts = undefined;
      this.#homeLabelCuts = undefined;
    }
  }

  /** Records of these partitions before these offsets are applied already: they may be decided, not applied again. */
  setAppliedBelow(offsets: number[]): void {
    this.#appliedBelow = offsets;
  }

  /** Whether the record at `offset` of `partition` was applied before a rewind (it is being decided late, not applied). */
  appliedAlready(partition: number, offset: number): boolean {
    return offset < (this.#appliedBelow[partition] ?? 0);
  }

  /** Tells the filters which record is being applied (of the labels topic, with `label`). */
  at(partition: number, offset: number, label = false): void {
    this.#partition = partition;
    this.#offset = offset;
    this.#label = label;
  }

  get dirtyCount(): number {
    return this.#dirty.size;
  }

  get size(): number {
    return this.#cache.size;
  }

  /** Estimated heap of the entities in memory. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * The dirty entities as bytes, for a checkpoint: the state at this moment, taken before
   * the next batch changes it. `saved(flush)` once the checkpoint is durable marks them
   * clean (those not changed again since).
   */
  flush(): { version: number; entities: EncodedEntity[]; transactions: Array<readonly [string, Buffer]> } {
    const entities: EncodedEntity[] = [];
    for (const entity of this.#dirty.values()) {
      const before = entity.bytes;
      entity.bytes = estimateBytes(entity);
      this.#bytes += entity.bytes - before;
      entities.push({ key: entity.key, home: entity.home, value: encodeEntity(entity) });
    }
    const version = this.#version++;
    return { version, entities, transactions: this.transactions.flush(version) };
  }

  /** Every entity, in memory or in the local store, as bytes: what a new changelog writer writes first. */
  *all(): Generator<EncodedEntity> {
    for (const entity of this.#cache.values()) yield { key: entity.key, home: entity.home, value: encodeEntity(entity) };
    const local = this.#options.local;
    if (!local) return;
    for (const key of local.keys()) {
      if (this.#cache.has(key)) continue;
      const value = local.get(key);
      if (value) yield { key, home: this.#homeOfStoredKey(key), value };
    }
  }

  /** The checkpoint of `version` is durable: what it wrote is clean unless changed since. */
  saved(version: number): void {
    this.transactions.saved(version);
    for (const [key, entity] of this.#dirty) {
      if (entity.changedIn > version) continue;
      entity.dirty = false;
      this.#dirty.delete(key);
    }
    this.evict();
  }

  /**
   * Back to the last durable checkpoint: every change since is forgotten (the entities are
   * read again from the local store when needed), so the input can be applied again from
   * the checkpoint's position without counting anything twice.
   */
  rewind(): void {
    this.transactions.rewind();
    for (const [key, entity] of this.#dirty) {
      this.#cache.delete(key);
      this.#bytes -= entity.bytes;
    }
    this.#dirty.clear();
    this.#sweep = undefined;
  }

  /** Forgets everything held in memory (the local store is being replaced). */
  clear(): void {
    this.#cache.clear();
    this.#dirty.clear();
    this.#bytes = 0;
    this.#sweep = undefined;
  }

  /** Evicts clean entities not used lately until the memory estimate is under budget (only with a local store). */
  evict(): number {
    if (!this.#options.local || this.#bytes <= this.#options.memoryBytes) return 0;
    const target = this.#options.memoryBytes * 0.9;
    let evicted = 0;
    let visited = 0;
    const limit = this.#cache.size * 2;
    while (this.#bytes > target && visited++ < limit) {
      let next = this.#sweep?.next();
      if (!next || next.done) {
        this.#sweep = this.#cache.values();
        next = this.#sweep.next();
        if (next.done) break;
      }
      const entity = next.value;
      if (entity.dirty) continue;
      if (entity.used) {
        entity.used = false;
        continue;
      }
      this.#cache.delete(entity.key);
      this.#bytes -= entity.bytes;
      evicted++;
    }
    return evicted;
  }

  #find(kind: Kind, key: string, now: number, create: boolean): Entity | undefined {
    const storeKey = KIND_PREFIX[kind] + key;
    const entity = this.#cache.get(storeKey) ?? this.#load(kind, storeKey, key);
    if (entity && !(entity.count > 0 && now - entity.lastSeen > this.#retentionMs)) {
      entity.used = true;
      return entity;
    }
    if (!entity && !create) return undefined;
    // New, or idle past retention: forgotten, as if never seen (written so at the next checkpoint).
    const fresh = this.#create(kind, storeKey, key);
    if (entity) this.changed(fresh);
    return create ? fresh : undefined;
  }

  #load(kind: Kind, storeKey: string, key: string): Entity | undefined {
    const bytes = this.#options.local?.get(storeKey);
    if (!bytes) return undefined;
    const entity = decodeEntity(bytes, this.#home(kind, key), this.#options.limits.ringEvents);
    this.#admit(entity, storeKey);
    return entity;
  }

  #create(kind: Kind, storeKey: string, key: string): Entity {
    const previous = this.#cache.get(storeKey);
    if (previous) this.#bytes -= previous.bytes;
    const entity = new Entity(kind, this.#home(kind, key), this.#options.limits.ringEvents[kind] as number);
    if (previous?.dirty) {
      entity.dirty = true;
      this.#dirty.set(storeKey, entity);
    }
    this.#admit(entity, storeKey);
    return entity;
  }

  #admit(entity: Entity, storeKey: string): void {
    entity.key = storeKey;
    entity.bytes = estimateBytes(entity);
    this.#bytes += entity.bytes;
    this.#cache.set(storeKey, entity);
  }

  /** Accounts live where their transactions do (the input is keyed by source); other kinds where their key hashes. */
  #home(kind: Kind, key: string): number {
    const partitions = this.#options.partitions;
    if (partitions <= 1) return 0;
    return partitionForKey(Buffer.from(kind === Kind.ACCOUNT ? key : KIND_PREFIX[kind] + key), partitions);
  }

  #homeOfStoredKey(storeKey: string): number {
    const kind = kindOfPrefix(storeKey.charAt(0)) ?? Kind.ACCOUNT;
    return this.#home(kind, storeKey.slice(1));
  }
}

/** An entity's heap, roughly: the object, its arrays at 8 bytes a number, its key and its map entry. */
function estimateBytes(entity: Entity): number {
  return 160 + 8 * (entity.d.length + entity.r.length + entity.s.length + (entity.b?.length ?? 0) + (entity.l?.length ?? 0)) + 2 * entity.key.length;
}
