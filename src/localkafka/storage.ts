import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { FraudError } from '../errors.ts';
import { lastLines } from './exec.ts';
import type { KafkaDirLayout } from './paths.ts';
import { runKafkaTool, type KafkaRuntime } from './tools.ts';

/** Formatting is the one step that must never run twice: it would refuse, or worse, drop the topics. */
export function isFormatted(layout: KafkaDirLayout): boolean {
  return existsSync(layout.metaProperties);
}

/**
 * A cluster id as Kafka's Uuid.randomUuid() prints it: 16 random bytes in URL-safe
 * base64 without padding. Made here to spare a JVM start; Kafka rejects ids that
 * start with '-' (they read as command line flags), so those are drawn again.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export interface FormatRequest {
  /** Every node of a cluster is formatted with the same id; a new one is drawn when absent. */
  clusterId?: string;
  /** A single node that is its own dynamic quorum; cluster nodes list their voters instead. */
  standalone: boolean;
  /** SCRAM-SHA-512 users, written into the metadata the quorum starts from. */
  scramUsers?: Array<{ name: string; password: string }>;
}

/** Formats one node's KRaft storage, once: a node already formatted keeps its data and id. */
export async function formatStorageOnce(
  runtime: KafkaRuntime,
  layout: KafkaDirLayout,
  request: FormatRequest = { standalone: true },
): Promise<{ formattedNow: boolean; clusterId: string }> {
  if (isFormatted(layout)) return { formattedNow: false, clusterId: (await readClusterId(layout)) ?? 'unknown' };
  const clusterId = request.clusterId ?? newClusterId();
  const scram = (request.scramUsers ?? []).flatMap((user) => ['--add-scram', `SCRAM-SHA-512=[name=${user.name},password=${user.password}]`]);
  const result = await runKafkaTool(runtime, {
    mainClass: 'kafka.tools.StorageTool',
    args: ['format', ...(request.standalone ? ['--standalone'] : []), '--cluster-id', clusterId, '--config', layout.serverProperties, ...scram],
    log4jConfig: layout.toolsLog4j,
    heap: '256m',
    timeoutMs: 120_000,
  });
  if (result.code !== 0 || !isFormatted(layout)) {
    throw new FraudError('FRAUD_KAFKA_SETUP', `formatting the Kafka storage in ${layout.dataDir} failed`, {
      problems: lastLines(`${result.stdout}\n${result.stderr}`, 15),
    });
  }
  return { formattedNow: true, clusterId };
}

export async function readClusterId(layout: KafkaDirLayout): Promise<string | undefined> {
  if (!isFormatted(layout)) return undefined;
  const text = await readFile(layout.metaProperties, 'utf8');
  return /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim();
}
