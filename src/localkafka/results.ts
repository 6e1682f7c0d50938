import type { NodeRole } from './node-config.ts';

/** One KRaft node as start, stop and status report it. */
export interface LocalKafkaNode {
  id: number;
  role: NodeRole;
  /** Its listener on 127.0.0.1: the client port of a broker, the controller port of a controller. */
  address: string;
  /** Undefined when it does not run. */
  pid?: number;
}

export interface LocalKafkaStarted {
  /** Bootstrap addresses for clients, e.g. '127.0.0.1:9092' or '127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094'. */
  brokers: string;
  /** The (first) broker's pid. */
  pid: number;
  /** False when every node of this kafka dir was already running and was returned as is. */
  startedNow: boolean;
  version: string;
  kafkaDir: string;
  /** Time spent fetching jars (0 when cached) and from spawn to the first answered metadata request. */
  timings: { jarsMs: number; startMs: number };
  /** Every node, with the ids of those started by this call in `startedNodes`. */
  nodes: LocalKafkaNode[];
  startedNodes: number[];
}

export interface LocalKafkaStopped {
  wasRunning: boolean;
  /** The (first) stopped node's pid. */
  pid?: number;
  /** How it ended: a clean SIGTERM shutdown, or SIGKILL after the stop timeout (the harshest of the nodes). */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** Each node that was running, and how it stopped. */
  nodes: Array<LocalKafkaNode & { signal: 'SIGTERM' | 'SIGKILL' }>;
}
