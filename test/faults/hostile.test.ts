import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RULES_FILE, loadRulesetFile } from '../../src/detector/rules/load.ts';
import { runDetector } from '../../src/detector/service.ts';
import { DeadLetterCodes } from '../../src/domain/dead-letter.ts';
import { openEmbeddedLog } from '../../src/log/embedded/index.ts';
import type { Log, OutgoingRecord } from '../../src/log/types.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { startFraud } from '../helpers/cli.ts';
import { waitForProgress } from '../helpers/group.ts';
import { kafkaTestOptions, requireKafka } from '../helpers/kafka.ts';
import { eventually, readAll } from '../helpers/log.ts';
import { formatTally, pipelineArgs, pipelineEnv, pipelineSpecs, randomPipeline, readDecisions, tally, type PipelineTopics } from '../helpers/pipeline.ts';
import { megabytes, rssOf } from '../helpers/processes.ts';
import { tempDir } from '../helpers/temp.ts';
import { randomTopic } from '../helpers/topics.ts';
import { hostileRecords, interleave, validRecords, type HostileSet } from './hostile.ts';
import { FAULTS_SCALE, faultTimeout } from './scale.ts';
import { openKafkaPipeline } from '../helpers/kafka-pipeline.ts';

const PARTITIONS = 6;
/** The detector's RSS may grow by this much while it works, and no more: growth without bound would pass it. */
const MEMORY_MARGIN_BYTES = 256 * 1024 * 1024;

interface Mix {
  hostile: HostileSet;
  valid: OutgoingRecord[];
  all: OutgoingRecord[];
}

/** Hostile and valid records interleaved; `part` of `parts` of the full sizes, each part with its own keys and ids. */
function hostileMix(topic: string, part = 0, parts = 1): Mix {
  const hostile = hostileRecords(topic, Math.floor(FAULTS_SCALE.hostileRecords / parts), 99 + part, `hostile${part}`);
  const valid = validRecords(topic, Math.floor(FAULTS_SCALE.validRecords / parts), 5 + part);
  return { hostile, valid, all: interleave(hostile.records, valid, 3 + part) };
}

function joinMixes(mixes: Mix[]): Mix {
  return {
    hostile: { records: mixes.flatMap((mix) => mix.hostile.records), kinds: new Map(mixes.flatMap((mix) => [...mix.hostile.kinds])) },
    valid: mixes.flatMap((mix) => mix.valid),
    all: mixes.flatMap((mix) => mix.all),
  };
}

async function sendAll(log: Log, records: OutgoingRecord[]): Promise<void> {
  const producer = await log.createProducer();
  try {
    for (let i = 0; i < records.length; i += 500) await producer.send(records.slice(i, i + 500));
  } finally {
    await producer.close();
  }
}

/** Checks every output against the mix; returns the dead letters per error code. */
async function checkOutputs(log: Log, topics: PipelineTopics, mix: Mix): Promise<{ codes: Record<string, number>; summary: string }> {
  const deadLetters = (await readAll(log, topics.deadLetter)).map((record) => ({ key: String(record.key), value: JSON.parse(String(record.value)) as { error: string; reason: string } }));
  const codes: Record<string, number> = {};
  for (const { key, value } of deadLetters) {
    const kind = mix.hostile.kinds.get(key);
    assert.ok(kind, `dead letter ${key} is one of the hostile records`);
    assert.ok(value.error in DeadLetterCodes, `${key} (${kind}): known code ${value.error}`);
    assert.ok(typeof value.reason === 'string' && value.reason.length > 0, `${key} (${kind}): a reason`);
    if (kind === 'empty' || kind === 'nullValue') assert.equal(value.error, 'EMPTY', key);
    if (kind === 'nearBrokerLimit' || kind === 'largeBurst') assert.equal(value.error, 'TOO_LARGE', key);
    codes[value.error] = (codes[value.error] ?? 0) + 1;
  }
  assert.equal(new Set(deadLetters.map((letter) => letter.key)).size, deadLetters.length, 'no hostile record dead-lettered twice');
  assert.equal(deadLetters.length, mix.hostile.records.length, 'every hostile record in the dead letter');
  const validIds = mix.valid.map((record) => (JSON.parse(String(record.value)) as { id: string }).id);
  const figures = tally(validIds, (await readDecisions(log, topics)).map((decision) => decision.id));
  assert.deepEqual(figures, { inputs: validIds.length, outputs: validIds.length, unique: validIds.length, duplicates: 0, losses: 0 }, 'every valid record decided once');
  return { codes, summary: `hostile ${mix.hostile.records.length} -> dead letters ${deadLetters.length}; valid ${formatTally(figures)}` };
}

interface Feeding {
  log: Log;
  parts: Mix[];
  /** The detector's process. */
  pid: number | undefined;
  /** Records decided before the first part. */
  before: number;
  decided: () => Promise<number | undefined>;
}

/**
 * Sends the parts one after the other, each once the one before is decided, and samples
 * the detector's memory: memory that grew with the records seen would grow with each part.
 */
async function feedInParts({ log, parts, pid, before, decided }: Feeding): Promise<{ start: number; parts: number[]; max: number; end: number }> {
  const rss = { start: rssOf(pid) ?? 0, parts: [] as number[], max: 0, end: 0 };
  const sampler = setInterval(() => (rss.max = Math.max(rss.max, rssOf(pid) ?? 0)), 200);
  try {
    let total = before;
    for (const part of parts) {
      await sendAll(log, part.all);
      total += part.all.length;
      assert.ok((await waitForProgress(decided, total, 240_000)) !== undefined, `all ${total} records decided or dead-lettered`);
      rss.parts.push(rssOf(pid) ?? 0);
    }
  } finally {
    clearInterval(sampler);
  }
  rss.end = rssOf(pid) ?? 0;
  return rss;
}

test(`${FAULTS_SCALE.hostileRecords} hostile records mixed into valid traffic on Kafka: each dead-lettered with a reason, no crash, memory flat`, { timeout: faultTimeout(300_000), ...kafkaTestOptions() }, async (t) => {
  const brokers = requireKafka(t);
  const { log, topics, groupId, watch } = await openKafkaPipeline(t, brokers, 'hostile', PARTITIONS);
  const parts = Array.from({ length: FAULTS_SCALE.hostileParts }, (_, part) => hostileMix(topics.transactions, part, FAULTS_SCALE.hostileParts));

  const detector = startFraud(t, ['detect', ...pipelineArgs(brokers, topics, PARTITIONS), '--group', groupId], pipelineEnv(topics));
  const pid = detector.child.pid;
  // The baseline once it runs: a first (valid) batch decided, the ruleset and clients loaded.
  const warmup = validRecords(topics.transactions, 100, 1_000);
  await sendAll(log, warmup);
  assert.ok((await waitForProgress(() => watch.committed(groupId, topics.transactions), 100, 60_000)) !== undefined, detector.output());
  const started = Date.now();
  const rss = await feedInParts({ log, parts, pid, before: warmup.length, decided: () => watch.committed(groupId, topics.transactions) });
  assert.equal(detector.child.exitCode, null, `the detector never crashed: ${detector.output()}`);
  detector.child.kill('SIGTERM');
  assert.deepEqual(await detector.exited, { code: 0, signal: null }, detector.output());

  const mix = joinMixes(parts);
  const { codes, summary } = await checkOutputs(log, topics, { ...mix, valid: [...warmup, ...mix.valid] });
  t.diagnostic(`(d) hostile on Kafka [${FAULTS_SCALE.name}]: ${summary}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.diagnostic(`(d) dead letters by code: ${JSON.stringify(codes)}`);
  t.diagnostic(`(d) detector RSS: start ${megabytes(rss.start)}, after each part ${rss.parts.map(megabytes).join(', ')}, end ${megabytes(rss.end)}, max ${megabytes(rss.max)}`);
  assert.ok(rss.start > 0 && rss.end > 0, 'RSS sampled');
  assert.ok(rss.end < rss.start + MEMORY_MARGIN_BYTES, `memory flat: ${megabytes(rss.start)} -> ${megabytes(rss.end)}`);
});

test(`the same hostile mix on the embedded log: each dead-lettered with a reason, every valid one decided`, { timeout: faultTimeout(180_000) }, async (t) => {
  const log = openEmbeddedLog({ dataDir: tempDir(t) });
  t.after(() => log.close());
  const topics = randomPipeline('hostile');
  await log.ensureTopics(pipelineSpecs(topics, PARTITIONS));
  const mix = hostileMix(topics.transactions);
  await sendAll(log, mix.all);
  const ruleset = loadRulesetFile(DEFAULT_RULES_FILE);
  const stop = new AbortController();
  const options = { log, inputTopic: topics.transactions, outputs: topics, groupId: randomTopic('g'), batchSize: 500, exactlyOnce: true, maxRecordBytes: 65_536, ruleset: () => ruleset, logger: silentLogger() };
  const started = Date.now();
  const running = runDetector(options, stop.signal);
  t.after(async () => {
    stop.abort();
    await running.catch(() => undefined);
  });
  const outputs = async (): Promise<number> => (await readAll(log, topics.deadLetter)).length + (await readDecisions(log, topics)).length;
  assert.ok(await eventually(async () => (await outputs()) >= mix.all.length, 120_000, 500), 'all decided or dead-lettered');
  stop.abort();
  const totals = await running;
  const { codes, summary } = await checkOutputs(log, topics, mix);
  t.diagnostic(`(d) hostile on the embedded log: ${summary}; ${totals.batches} batches, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.diagnostic(`(d) dead letters by code: ${JSON.stringify(codes)}`);
});
