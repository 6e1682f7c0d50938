import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LOCAL_HOST, type NodeRole } from './node-config.ts';
import { kafkaDirLayout, type KafkaDirLayout } from './paths.ts';

/**
 * A local cluster in one kafka dir: `cluster.json` at its root says what it is, and each
 * node has a folder of its own laid out as a single broker's kafka dir is (config, data,
 * logs, pid file), so the single-node code starts, stops and inspects each one.
 */
export const CLUSTER_FILE = 'cluster.json';

/** The node id of the KRaft controller; the brokers are 1..n, as `find-hanging --broker-id` names them. */
export const CONTROLLER_ID = 0;

export const ClusterStateSchema = z.object({
  version: z.string(),
  brokers: z.number().int().min(2),
  /** Client port of broker 1; broker i listens on port + i - 1. */
  port: z.number().int(),
  controllerPort: z.number().int(),
  heap: z.string(),
  clusterId: z.string(),
  createdAt: z.string(),
});

export type ClusterState = z.infer<typeof ClusterStateSchema>;

export interface ClusterNode {
  id: number;
  role: Extract<NodeRole, 'controller' | 'broker'>;
  /** Folder name under the kafka dir: controller, broker-1, broker-2, … */
  name: string;
  /** Its listener: the client port of a broker, the controller port of the controller. */
  port: number;
  address: string;
  layout: KafkaDirLayout;
}

export type KafkaDirMode = { kind: 'empty' } | { kind: 'single' } | { kind: 'cluster'; state: ClusterState };

/** What a kafka dir holds: nothing yet, a single node (its files at the root), or a cluster. */
export async function kafkaDirMode(root: string): Promise<KafkaDirMode> {
  const state = await readClusterState(root);
  if (state) return { kind: 'cluster', state };
  const single = kafkaDirLayout(root, root);
  if (existsSync(single.metaProperties) || existsSync(single.stateFile)) return { kind: 'single' };
  return { kind: 'empty' };
}

export async function readClusterState(root: string): Promise<ClusterState | undefined> {
  const file = join(root, CLUSTER_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = ClusterStateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeClusterState(root: string, state: ClusterState): Promise<void> {
  await writeFile(join(root, CLUSTER_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** The controller first, then brokers 1..n: the order they start in (and the reverse of stopping). */
export function clusterNodes(root: string, spec: Pick<ClusterState, 'brokers' | 'port' | 'controllerPort'>): ClusterNode[] {
  const node = (id: number, role: ClusterNode['role'], name: string, port: number): ClusterNode => ({
    id,
    role,
    name,
    port,
    address: `${LOCAL_HOST}:${port}`,
    layout: kafkaDirLayout(join(root, name), root),
  });
  const brokers = Array.from({ length: spec.brokers }, (_, i) => node(i + 1, 'broker', `broker-${i + 1}`, spec.port + i));
  return [node(CONTROLLER_ID, 'controller', 'controller', spec.controllerPort), ...brokers];
}

/** Bootstrap addresses of every broker, for KAFKA_BROKER_URL. */
export function bootstrapOf(nodes: ClusterNode[]): string {
  return nodes
    .filter((node) => node.role === 'broker')
    .map((node) => node.address)
    .join(',');
}
