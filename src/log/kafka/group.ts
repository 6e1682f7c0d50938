import type { Consumer, ConsumerGroupJoinPayload } from '@platformatic/kafka';
import type { AssignmentChange, TopicPartition } from '../types.ts';
import { toFraudError } from './errors.ts';
import { slotOf, type GroupGeneration } from './offsets.ts';
import { KAFKA_TIMINGS } from './options.ts';

/** A generation of the group as this member saw it: what it may commit, and under which id. */
export interface Membership {
  generation: GroupGeneration;
  partitions: TopicPartition[];
}

export interface MembershipUpdate {
  membership: Membership;
  change: AssignmentChange;
}

/**
 * Membership of a classic consumer group. The client joins, heartbeats and, when the
 * group rebalances, rejoins by itself in the background; every successful join emits
 * `consumer:group:join`. We queue those and let the consumer apply them at its next poll,
 * so the assignment (and the generation its commits carry) only changes between batches.
 */
export class GroupMembership {
  readonly #client: Consumer;
  readonly #topics: string[];
  readonly #onChange: () => void;
  readonly #sessionTimeoutMs: number;
  #joins: ConsumerGroupJoinPayload[] = [];
  #applied: Membership | undefined;
  #joining: Promise<void> | undefined;
  #error: unknown;
  #tracked = false;
  #heartbeatLost = false;

  constructor(client: Consumer, topics: string[], onChange: () => void, sessionTimeoutMs: number = KAFKA_TIMINGS.sessionTimeoutMs) {
    this.#client = client;
    this.#topics = topics;
    this.#onChange = onChange;
    this.#sessionTimeoutMs = sessionTimeoutMs;
    client.on('consumer:group:join', (payload) => {
      this.#joins.push(payload);
      this.#onChange();
    });
    // A failed background rejoin is emitted as 'error': without a listener it would crash
    // the process. We keep it for the next poll, which joins again.
    client.on('error', (error) => {
      this.#error = error;
      this.#onChange();
    });
    // After a heartbeat fails for a reason other than a rebalance (network, coordinator
    // moving), the client 1.35 cancels its heartbeat timer and never sets it again, so the
    // member would silently expire. Joining again restarts the heartbeats (and, if the
    // session did expire, gets a new membership through the usual rebalance).
    client.on('consumer:heartbeat:error', () => {
      this.#heartbeatLost = true;
      this.#onChange();
    });
  }

  /** Joins the group; resolves when the first join ended, successfully or not. */
  start(): Promise<void> {
    if (!this.#tracked) this.#client.topics.trackAll(...this.#topics); // the subscription sent with JoinGroup
    this.#tracked = true;
    this.#joining ??= this.#client
      .joinGroup({
        sessionTimeout: this.#sessionTimeoutMs,
        rebalanceTimeout: KAFKA_TIMINGS.rebalanceTimeoutMs,
        heartbeatInterval: KAFKA_TIMINGS.heartbeatIntervalMs,
      })
      .then(
        () => undefined,
        (error: unknown) => {
          this.#error = error;
        },
      )
      .finally(() => {
        this.#joining = undefined;
        this.#onChange();
      });
    return this.#joining;
  }

  get joined(): boolean {
    return this.#applied !== undefined || this.#joins.length > 0;
  }

  /** The membership the consumer works under (the last one applied), if any. */
  get current(): Membership | undefined {
    return this.#applied;
  }

  owns(tp: TopicPartition): boolean {
    return this.#applied?.partitions.some((owned) => owned.topic === tp.topic && owned.partition === tp.partition) ?? false;
  }

  /**
   * False once the client has moved to another generation than the one in use (it rejoins
   * by itself), so a commit would be refused. With `settled`, also false while a rejoin is
   * in progress (the client stops heartbeating then): a commit may still pass, but the
   * outputs of an at-least-once batch sent now would likely be duplicated by the next owner.
   */
  isCurrent(settled: boolean): boolean {
    const generation = this.#applied?.generation;
    if (!generation) return false;
    if (this.#client.memberId !== generation.memberId || this.#client.generationId !== generation.generationId) return false;
    return !settled || this.#client.isActive();
  }

  /** Throws a join failure once, and starts joining again for the next poll. */
  throwIfFailed(): void {
    if (this.#heartbeatLost && !this.#joining) {
      this.#heartbeatLost = false;
      void this.start();
    }
    if (this.#error === undefined) return;
    const error = this.#error;
    this.#error = undefined;
    void this.start();
    throw toFraudError(error, 'joining the consumer group');
  }

  /**
   * Applies the joins that happened since the last call. A partition counts as kept only
   * if this member held it in every generation in between, with no generation skipped
   * (a skipped one means it was out of the group and someone else may have moved on):
   * every other partition is reported revoked and assigned again, so its state is
   * rebuilt and its position re-read from the committed offsets.
   */
  takeUpdate(): MembershipUpdate | undefined {
    const joins = this.#joins;
    const last = joins[joins.length - 1];
    if (!last) return undefined;
    this.#joins = [];
    const previous = this.#applied;
    let kept = new Set((previous?.partitions ?? []).map(slotOf));
    let generation = previous?.generation;
    for (const join of joins) {
      const continuous = generation !== undefined && join.memberId === generation.memberId && join.generationId === generation.generationId + 1;
      const now = new Set(partitionsOf(join).map(slotOf));
      kept = continuous ? new Set([...kept].filter((slot) => now.has(slot))) : new Set();
      generation = { groupId: join.groupId, generationId: join.generationId ?? 0, memberId: join.memberId };
    }
    const membership: Membership = { generation: generation as GroupGeneration, partitions: partitionsOf(last) };
    this.#applied = membership;
    const change: AssignmentChange = {
      assigned: membership.partitions.filter((tp) => !kept.has(slotOf(tp))),
      revoked: (previous?.partitions ?? []).filter((tp) => !kept.has(slotOf(tp))),
    };
    return { membership, change };
  }
}

function partitionsOf(join: ConsumerGroupJoinPayload): TopicPartition[] {
  const partitions: TopicPartition[] = [];
  for (const assignment of join.assignments ?? []) {
    for (const partition of [...assignment.partitions].sort((a, b) => a - b)) partitions.push({ topic: assignment.topic, partition });
  }
  return partitions;
}
