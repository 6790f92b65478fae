import type { Command } from 'commander';
import { describeTopics } from '../../bus/lag.js';
import { formatCount } from '../../util/format.js';
import { withLog } from '../context.js';
import { printJson, writeOut } from '../output.js';

export function registerTopics(program: Command): void {
  program
    .command('topics')
    .description(
      'List topics with their per-partition end offsets and the lag of each consumer group that committed on them.',
    )
    .option(
      '--json',
      'print a JSON array of {topic, partitions: [{partition, endOffset}], groups: [{group, lag}]}',
    )
    .addHelpText(
      'after',
      "\nExample:\n  $ lambda-iot topics\n  $ lambda-iot topics --json | jq '.[] | {topic, groups}'",
    )
    .action(async (options: { json?: boolean }) => {
      await withLog(async (log) => {
        const topics = await describeTopics(log);
        if (options.json) return printJson(topics);
        if (topics.length === 0) return writeOut('No topics yet. Produce some with: lambda-iot simulate\n');
        const lines: string[] = [];
        for (const t of topics) {
          const total = t.partitions.reduce((s, p) => s + p.endOffset, 0);
          lines.push(`${t.topic}  ${formatCount(total)} messages in ${t.partitions.length} partitions`);
          lines.push(
            `  end offsets: ${t.partitions.map((p) => `p${p.partition}=${p.endOffset}`).join('  ')}`,
          );
          for (const g of t.groups) lines.push(`  group ${g.group}: lag ${formatCount(g.lag)}`);
        }
        return writeOut(`${lines.join('\n')}\n`);
      }, 'read');
    });
}
