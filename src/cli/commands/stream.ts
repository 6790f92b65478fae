import type { Command } from 'commander';
import { describeLogTarget } from '../../bus/openLog.js';
import { loadRuleSet, referenceRules } from '../../speed/ruleSet.js';
import { runStreamProcessor, type StreamStats } from '../../speed/streamProcessor.js';
import { formatCount } from '../../util/format.js';
import { withLog } from '../context.js';
import {
  DEFAULT_IDLE_MS,
  durationMs,
  formatDuration,
  positiveNumber,
  refuseOptions,
  ruleSetFile,
  untilIdleMs,
} from '../options.js';
import { printJson, say, stopSignal, writeOut } from '../output.js';

/**
 * One line of counters, e.g. "read 12,000 · anomalies 41 (confirmed 12) · real-time rows 96 (late 0) ·
 * dead-lettered 0 · lag 0".
 */
export function formatStreamStats(s: StreamStats): string {
  const lag = s.lag === null ? 'n/a' : formatCount(s.lag);
  return `read ${formatCount(s.read)} · anomalies ${formatCount(s.anomalies)} (confirmed ${formatCount(s.confirmed)}) · real-time rows ${formatCount(s.realtimeRows)} (late ${formatCount(s.lateForRealtime)}) · dead-lettered ${formatCount(s.deadLettered)} · lag ${lag}`;
}

function formatBreakdown(s: StreamStats): string {
  const types = Object.entries(s.byType)
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `  ${t.padEnd(22)} ${formatCount(n).padStart(8)}`);
  const severities = (['critical', 'high', 'medium', 'low'] as const)
    .filter((v) => s.bySeverity[v])
    .map((v) => `${v} ${formatCount(s.bySeverity[v] ?? 0)}`)
    .join(', ');
  return [
    `anomalies by type:`,
    ...(types.length ? types : ['  (none)']),
    `by severity: ${severities || '(none)'}`,
  ].join('\n');
}

export function registerStream(program: Command): void {
  program
    .command('stream')
    .description(
      'Run the speed layer: consume iot-telemetry as group lambda_streaming_anomalies, validate each reading ' +
        '(invalid ones go to iot-dlq with the reason), evaluate the rules with per-device state and publish ' +
        'anomalies to iot-anomalies, and the changed rows of the real-time device-day view to iot-device-health-rt. State is checkpointed with the offsets it reflects before offsets are ' +
        'committed, so a restart continues as if nothing happened. Counters print every few seconds and at the end. ' +
        'SIGINT/SIGTERM finish the current batch, commit and exit 0.',
    )
    .option(
      '--rules <file>',
      'rule set JSON (default: the reference rules; see `lambda-iot rules show`)',
      ruleSetFile,
    )
    .option(
      '--vibration-threshold <mm/s²>',
      'reference rules: vibration threshold (the article says 5, the code 3.0)',
      positiveNumber,
    )
    .option(
      '--until-idle [duration]',
      `stop once no reading arrived for this long (default ${formatDuration(DEFAULT_IDLE_MS)})`,
      durationMs,
    )
    .option('--json', 'print the final counters as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot stream --until-idle\n  $ lambda-iot stream --rules tuned-rules.json\n  $ lambda-iot stream --until-idle 10s --json',
    )
    .action(
      async (
        options: {
          rules?: string;
          vibrationThreshold?: number;
          untilIdle?: number | boolean;
          json?: boolean;
        },
        command: Command,
      ) => {
        if (options.rules !== undefined)
          refuseOptions(command, ['--vibration-threshold'], 'with --rules (it adjusts the reference rules)');
        const rules = options.rules
          ? loadRuleSet(options.rules)
          : referenceRules({ vibrationThreshold: options.vibrationThreshold });
        const idleMs = untilIdleMs(options.untilIdle);
        await withLog(async (log, config) => {
          const stop = stopSignal();
          try {
            if (!options.json)
              say(`speed layer: rules ${rules.name}@${rules.version} on ${describeLogTarget(config)}`);
            const stats = await runStreamProcessor({
              log,
              config,
              rules,
              idleMs,
              signal: stop.signal,
              onWarning: say,
              onStats: (s, final) => {
                if (!final && !options.json) say(formatStreamStats(s));
              },
            });
            if (options.json) return printJson(stats);
            return writeOut(`${formatStreamStats(stats)}\n${formatBreakdown(stats)}\n`);
          } finally {
            stop.dispose();
          }
        });
      },
    );
}
