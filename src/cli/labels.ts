import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Command } from 'commander';
import { z } from 'zod';
import { parseLabel } from '../domain/label.ts';
import { FraudError } from '../errors.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import type { OutgoingRecord } from '../log/types.ts';
import { addLogOptions, configAndOptions } from './options.ts';

const LabelsFlags = z.object({
  from: z.string({ error: 'is required (a file of JSON lines, or - for standard input)' }).min(1),
  skipInvalid: z.boolean().default(false),
  json: z.boolean().default(false),
});

/** Problems listed at most: a file of a million bad lines is reported by its first ones and a count. */
const MAX_LISTED = 20;
const SEND_BATCH = 1000;

export interface LabelsResult {
  written: number;
  frauds: number;
  invalid: number;
  topic: string;
}

/**
 * `fraud labels --from FILE|-`: writes labels (JSON lines, as the contract's labels topic
 * carries them) to the labels topic, keyed by transaction id. Every line is checked before
 * anything is written: with an invalid line nothing is written (exit code 2, every bad line
 * named) unless --skip-invalid, which writes the valid ones and reports the others. So a
 * file is never half written because of its content.
 */
export function labelsCommand(io: { stdin?: Readable; out?: (text: string) => void; err?: (text: string) => void } = {}): Command {
  const out = io.out ?? ((text: string) => void process.stdout.write(text));
  const err = io.err ?? ((text: string) => void process.stderr.write(text));
  return addLogOptions(new Command('labels'))
    .description('write labels (JSON lines: id, fraud, knownAt, source) to the labels topic, from a file or - for standard input')
    .option('--from <file>', 'labels as JSON lines, or - for standard input')
    .option('--skip-invalid', 'write the valid lines and report the invalid ones (default: write nothing if any is invalid)')
    .option('--json', 'print { written, frauds, invalid, topic } as JSON')
    .action(async (flags: Record<string, unknown>) => {
      const { config, options } = configAndOptions(LabelsFlags, flags);
      const input = options.from === '-' ? (io.stdin ?? process.stdin) : openFile(options.from);
      const read = await readLabels(input, config.topics.labels);
      if (read.problems.length > 0 && !options.skipInvalid) {
        throw new FraudError('FRAUD_LABELS_INVALID', `${read.problems.length} invalid line(s) in ${options.from === '-' ? 'standard input' : options.from}: nothing written (--skip-invalid writes the valid ones)`, {
          problems: listed(read.problems),
        });
      }
      for (const problem of listed(read.problems)) err(`skipped ${problem}\n`);
      const log = await openLog(config);
      try {
        await log.ensureTopics(pipelineTopics(config));
        const producer = await log.createProducer();
        try {
          for (let i = 0; i < read.records.length; i += SEND_BATCH) await producer.send(read.records.slice(i, i + SEND_BATCH));
        } finally {
          await producer.close();
        }
      } finally {
        await log.close();
      }
      const result: LabelsResult = { written: read.records.length, frauds: read.frauds, invalid: read.problems.length, topic: config.topics.labels };
      out(options.json ? `${JSON.stringify(result)}\n` : `${result.written} label(s) written to ${result.topic} (${result.frauds} fraud)${result.invalid > 0 ? `, ${result.invalid} invalid line(s) skipped` : ''}\n`);
    });
}

function openFile(path: string): Readable {
  const stream = createReadStream(path);
  return stream;
}

interface ReadLabels {
  records: OutgoingRecord[];
  frauds: number;
  problems: string[];
}

/** Every non-blank line checked as the detector checks a labels-topic record; the valid ones as records to write. */
export async function readLabels(input: Readable, topic: string): Promise<ReadLabels> {
  const records: OutgoingRecord[] = [];
  const problems: string[] = [];
  let frauds = 0;
  let line = 0;
  const opened = new Promise<void>((resolve, reject) => {
    input.once('error', reject);
    input.once('end', resolve);
  });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const text of lines) {
      line++;
      const trimmed = text.trim();
      if (trimmed.length === 0) continue;
      const parsed = parseLabel(Buffer.from(trimmed));
      if (!parsed.ok) {
        problems.push(`line ${line}: ${parsed.reason}`);
        continue;
      }
      if (parsed.label.fraud) frauds++;
      records.push({ topic, key: parsed.label.id, value: trimmed });
    }
  } catch (cause) {
    throw new FraudError('FRAUD_USAGE', `cannot read the labels: ${(cause as Error).message}`, { cause, problems: [(cause as Error).message] });
  }
  await opened.catch((cause: unknown) => {
    throw new FraudError('FRAUD_USAGE', `cannot read the labels: ${(cause as Error).message}`, { cause, problems: [(cause as Error).message] });
  });
  return { records, frauds, problems };
}

function listed(problems: string[]): string[] {
  if (problems.length <= MAX_LISTED) return problems;
  return [...problems.slice(0, MAX_LISTED), `… and ${problems.length - MAX_LISTED} more`];
}
