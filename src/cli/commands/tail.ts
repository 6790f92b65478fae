import type { Command } from 'commander';
import { nextOffsets, runConsumeLoop } from '../../bus/consumeLoop.js';
import type { Log, LogRecord } from '../../bus/port.js';
import type { Config } from '../../config/config.js';
import { contractForTopic } from '../../schema/contracts.js';
import { DeadLetter } from '../../schema/deadLetter.js';
import { validateMessage } from '../../schema/validate.js';
import { escapeControl } from '../../util/escapeControl.js';
import { withLog } from '../context.js';
import { positiveInt } from '../options.js';
import { say, stopSignal, writeOut } from '../output.js';

interface TailOptions {
  group?: string;
  fromBeginning?: boolean;
  max?: number;
  follow?: boolean;
  json?: boolean;
}

/** One tail line: the parsed value, or the reason the message is invalid. */
export type TailLine =
  | { topic: string; partition: number; offset: number; key: string | null; value: unknown }
  | { topic: string; partition: number; offset: number; key: string | null; error: string };

/** Validates a record against its topic's contract (or as JSON for other topics). */
export function toTailLine(record: LogRecord, config: Config): TailLine {
  const { topic, partition, offset, key } = record;
  const contract = contractForTopic(topic, config.namePrefix);
  if (contract) {
    const v = validateMessage(contract, record.value, {
      maxBytes: config.maxMessageBytes,
      eventTimeMin: config.eventTimeMin,
    });
    return v.ok
      ? { topic, partition, offset, key, value: v.value }
      : { topic, partition, offset, key, error: v.reason };
  }
  try {
    return { topic, partition, offset, key, value: JSON.parse(record.value.toString('utf8')) };
  } catch (error) {
    return { topic, partition, offset, key, error: `not JSON: ${(error as Error).message}` };
  }
}

/** How many characters of a dead letter's payload prefix a text line shows. */
const PAYLOAD_PREVIEW_CHARS = 120;

/** "from <topic>[<partition>]@<offset> by <consumer>: <reason>", read leniently from a dead-letter value. */
function describeDeadLetter(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const source = (v.source ?? {}) as Record<string, unknown>;
  if (typeof v.reason !== 'string' && typeof source.topic !== 'string') return undefined;
  const from = `from ${String(source.topic ?? '?')}[${String(source.partition ?? '?')}]@${String(source.offset ?? '?')}`;
  const by = typeof v.consumer === 'string' ? ` by ${v.consumer}` : '';
  return `${from}${by}: ${typeof v.reason === 'string' ? v.reason : '(no reason)'}`;
}

/** A dead letter as text: reason and source first, then the payload's size, hash and the start of its prefix. */
function formatDeadLetter(letter: DeadLetter): string {
  const preview =
    letter.payload.length > PAYLOAD_PREVIEW_CHARS
      ? `${letter.payload.slice(0, PAYLOAD_PREVIEW_CHARS)}…`
      : letter.payload;
  const payload =
    `payload ${letter.payload_bytes} bytes sha256 ${letter.payload_sha256.slice(0, 12)}` +
    `${letter.payload_truncated ? ' (prefix kept)' : ''} ${letter.payload_encoding} ${JSON.stringify(preview)}`;
  return `DEAD LETTER ${describeDeadLetter(letter)}; ${payload}`;
}

/** A record of the dead-letter topic that fails its contract still shows its reason and source when it has them. */
function salvageDeadLetter(record: LogRecord): string | undefined {
  try {
    return describeDeadLetter(JSON.parse(record.value.toString('utf8')));
  } catch {
    return undefined;
  }
}

function formatLine(line: TailLine, record: LogRecord, deadLetters: boolean): string {
  const where = `${line.topic}[${line.partition}]@${line.offset} ${line.key ?? '(no key)'}`;
  if ('error' in line) {
    const salvaged = deadLetters ? salvageDeadLetter(record) : undefined;
    return `${where}  INVALID: ${line.error}${salvaged === undefined ? '' : `; DEAD LETTER ${salvaged}`}`;
  }
  if (deadLetters) return `${where}  ${formatDeadLetter(line.value as DeadLetter)}`;
  return `${where}  ${JSON.stringify(line.value)}`;
}

const byPartitionOffset = (a: LogRecord, b: LogRecord) => a.partition - b.partition || a.offset - b.offset;

/** The resolved physical topic: the name as given if it exists, else with the configured prefix. */
async function resolveTopic(log: Log, config: Config, topic: string): Promise<string> {
  if (!config.namePrefix || topic.startsWith(config.namePrefix)) return topic;
  const topics = await log.listTopics();
  return topics.includes(topic) ? topic : `${config.namePrefix}${topic}`;
}

async function tail(log: Log, config: Config, topicArg: string, options: TailOptions): Promise<void> {
  const topic = await resolveTopic(log, config, topicArg);
  const json = options.json === true;
  const deadLetters = contractForTopic(topic, config.namePrefix) === DeadLetter;
  // Following a topic that does not exist yet waits for it (created as a broker with auto-create would).
  if (options.follow) await log.ensureTopic(topic);
  const ends = (await log.partitionOffsets(topic)).map((p) => ({
    topic,
    partition: p.partition,
    offset: p.endOffset,
  }));
  const consumer = await log.consumer({
    group: options.group,
    topics: [topic],
    fromBeginning: options.fromBeginning === true,
  });
  const stop = stopSignal();
  let invalid = 0;
  const collected: LogRecord[] = [];
  const emit = async (records: LogRecord[]) => {
    const sorted = records.sort(byPartitionOffset);
    const lines = sorted.map((r) => toTailLine(r, config));
    invalid += lines.filter((l) => 'error' in l).length;
    // Text lines are escaped as a whole: keys, reasons and values may hold any characters.
    const text = lines.map((l, i) =>
      json ? JSON.stringify(l) : escapeControl(formatLine(l, sorted[i]!, deadLetters)),
    );
    if (text.length > 0) await writeOut(`${text.join('\n')}\n`);
  };
  try {
    // Without --follow everything up to the end offsets seen at start is printed in (partition, offset)
    // order and committed once printed; with --follow each batch is printed and committed as it arrives.
    const result = await runConsumeLoop({
      consumer,
      name: 'tail',
      commit: options.follow === true && options.group !== undefined,
      stopAt: options.follow ? undefined : ends,
      maxRecords: options.max,
      signal: stop.signal,
      handle: async (batch) => {
        if (options.follow) await emit(batch);
        else collected.push(...batch);
      },
    });
    if (!options.follow) {
      await emit(collected);
      if (options.group !== undefined && collected.length > 0) {
        await consumer.commit(nextOffsets(collected));
      }
    }
    if (!json) say(`${result.records} message(s), ${invalid} invalid; stopped: ${result.stoppedBy}`);
  } finally {
    stop.dispose();
    await consumer.close();
  }
}

export function registerTail(program: Command): void {
  program
    .command('tail')
    .argument(
      '<topic>',
      'topic to read, e.g. iot-telemetry (the configured name prefix is added when needed)',
    )
    .description(
      'Print the messages of a topic, validated against its contract. With --json: NDJSON, one ' +
        '{topic, partition, offset, key, value} per line in (partition, offset) order, or {topic, partition, offset, key, error} ' +
        'for a message that is not valid. Without --follow it stops at the end offsets seen at start.',
    )
    .option(
      '--group <group>',
      'read as this consumer group, starting at its committed offsets (a new group starts at the end unless --from-beginning), and commit what was printed',
    )
    .option('--from-beginning', 'start at the oldest message where the group has no committed offset')
    .option('--max <n>', 'stop after n messages', positiveInt)
    .option('--follow', 'keep waiting for new messages (stop with Ctrl-C; offsets are committed per batch)')
    .option('--json', 'only NDJSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot tail iot-telemetry --from-beginning --max 5\n' +
        '  $ lambda-iot tail iot-events --from-beginning --json | jq -c .value\n' +
        '  $ lambda-iot tail iot-telemetry --group my-reader --follow --json   # a new group: from the end, new messages only',
    )
    .action(async (topic: string, options: TailOptions) => {
      // Only a group's commit or --follow (which creates a missing topic to wait for) writes to the log.
      const access = options.group !== undefined || options.follow ? 'write' : 'read';
      await withLog((log, config) => tail(log, config, topic, options), access);
    });
}
