/**
 * Converts the Handbook benchmark's labels.json into contract labels (JSON lines) for
 * `fraud train --labels` and `fraud labels --from`:
 *
 *   node --import tsx scripts/handbook-labels.ts --transactions DIR/transactions.jsonl \
 *     --labels DIR/labels.json --out DIR/labels.jsonl [--delay-days 7] [--all]
 */
import { parseArgs } from 'node:util';
import { convertHandbookLabels } from '../src/train/handbook-labels.ts';

const { values } = parseArgs({
  options: {
    transactions: { type: 'string' },
    labels: { type: 'string' },
    out: { type: 'string' },
    'delay-days': { type: 'string', default: '7' },
    all: { type: 'boolean', default: false },
  },
});
if (!values.transactions || !values.labels || !values.out || !/^\d+(\.\d+)?$/.test(values['delay-days'])) {
  process.stderr.write('usage: handbook-labels.ts --transactions FILE --labels FILE --out FILE [--delay-days D] [--all]\n');
  process.exit(2);
}
const result = await convertHandbookLabels({
  transactions: values.transactions,
  labels: values.labels,
  out: values.out,
  delayDays: Number(values['delay-days']),
  all: values.all,
});
process.stdout.write(`${result.written} labels written to ${values.out} (${result.frauds} frauds)\n`);
