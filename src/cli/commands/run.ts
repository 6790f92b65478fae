import type { Command } from 'commander';
import { describeDuplicates } from '../../batch/duplicates.js';
import { DEFAULT_PLANT } from '../../ingest/simulationOptions.js';
import { landedRows } from '../../lake/landingSink.js';
import { RAW_KINDS } from '../../lake/rawLayout.js';
import { type PipelineSummary, runPipeline } from '../../pipeline/runPipeline.js';
import { formatBytes, formatCount, formatPercent } from '../../util/format.js';
import { withCliStack } from '../context.js';
import { positiveInt, positiveNumber } from '../options.js';
import { createProgress, printJson, say, stopSignal, writeOut } from '../output.js';

/** The human summary of a pipeline run. */
export function formatSummary(s: PipelineSummary): string {
  const sim = s.simulation;
  const lines = [
    `lambda-iot pipeline on ${s.log}`,
    '',
    `simulate   ${sim.devices} devices × ${sim.days} days, seed ${sim.seed}: ${sim.action}`,
    `           ${formatCount(sim.telemetry)} readings, ${formatCount(sim.events)} machine events, ${sim.failures} failures`,
    `           ground truth: ${sim.groundTruthDir}`,
  ];
  const any = s.precursors.rows.find((r) => r.metric === 'any');
  if (any) {
    lines.push(
      `precursors ${formatPercent(any.shareOfFailures)} of ${s.precursors.failures} failures had a threshold excursion in the 24 h before,`,
      `           vs ${formatPercent(any.baseRate)} of random 24 h device windows (lift ${any.lift === null ? 'n/a' : any.lift.toFixed(2)})`,
    );
  }
  const a = s.anomalies;
  lines.push(
    `speed      rules ${s.speed.rules}: ${formatCount(s.speed.read)} readings processed this run, ${formatCount(s.speed.deadLettered)} dead-lettered`,
    `           ${formatCount(a.anomalies)} anomalies in iot-anomalies (${formatCount(a.confirmed)} auto-confirmed)`,
    `           ${formatCount(s.speed.realtimeRows)} real-time device-day rows published to iot-device-health-rt this run (${formatCount(s.speed.lateForRealtime)} readings too late for the view)`,
  );
  const severities = ['critical', 'high', 'medium', 'low'] as const;
  lines.push(
    `           ${'type'.padEnd(20)}${severities.map((v) => v.padStart(10)).join('')}${'total'.padStart(10)}`,
  );
  for (const [type, total] of Object.entries(a.byType).sort((x, y) => y[1] - x[1])) {
    const cells = severities
      .map((v) => formatCount(a.byTypeAndSeverity[type]?.[v] ?? 0).padStart(10))
      .join('');
    lines.push(`           ${type.padEnd(20)}${cells}${formatCount(total).padStart(10)}`);
  }
  const l = s.lake;
  lines.push(
    `land       ${formatCount(landedRows(s.landing))} rows landed this run, ${formatCount(s.landing.deadLettered)} dead-lettered; lake ${l.store}:`,
  );
  for (const kind of RAW_KINDS) {
    const k = l[kind];
    lines.push(
      `           ${kind.padEnd(9)} ${formatCount(k.files)} files, ${formatCount(k.rows)} rows, ${formatBytes(k.bytes)}`,
    );
  }
  const b = s.batch;
  if (b.range === null)
    lines.push(`batch      nothing new to build (${b.reason}); main at ${b.mainHash.slice(0, 12)}`);
  else {
    const failed = b.audits.filter((a) => !a.passed);
    lines.push(
      `batch      gold ${b.range.from} … ${b.range.to}: ${b.tables.map((t) => `${t.table.split('.')[1]} ${formatCount(t.rows)}`).join(', ')} rows`,
      `           audits ${b.audits.length - failed.length}/${b.audits.length} passed; ${b.published ? `published to main at commit ${b.mainHash.slice(0, 12)}` : `NOT published (${failed.map((a) => a.name).join('; ')}), branch ${b.branch}`}`,
    );
    const duplicates = describeDuplicates(b.duplicates);
    if (duplicates !== undefined) lines.push(`           ${duplicates}`);
    if (b.quality?.rocAuc != null) {
      lines.push(
        `           failure_risk_score vs failures within ${b.quality.horizonDays} days: ROC AUC ${b.quality.rocAuc.toFixed(2)}, precision@${b.quality.k} ${formatPercent(b.quality.precisionAtK)} (base rate ${formatPercent(b.quality.baseRate)})`,
      );
      const m = b.quality.model;
      if (m?.rocAuc != null)
        lines.push(
          `           model_risk_score (model ${m.modelId}, ${b.model?.source ?? 'default'}):     ROC AUC ${m.rocAuc.toFixed(2)}, precision@${b.quality.k} ${formatPercent(m.precisionAtK)}; P0 from the ${b.model?.riskScore ?? 'reference'} score`,
        );
    }
  }
  if (s.topRisk.length > 0) {
    lines.push(`top risk   on ${s.topRisk[0]!.prediction_date} (gold_failure_predictions on main):`);
    for (const r of s.topRisk) {
      lines.push(
        `           ${String(r.device_id).padEnd(12)} ${Number(r.failure_risk_score).toFixed(2)}  ${r.recommended_action}`,
      );
    }
  }
  const v = s.serving;
  const ingested = v.ingested
    ? `${formatCount(v.ingested.anomalies)} anomalies, ${formatCount(v.ingested.realtime)} real-time rows ingested this run`
    : 'ingested by the running serving owner';
  lines.push(
    `serve      ${ingested}; Gold ${v.gold.snapshotId === null ? 'not published yet' : `closed through ${v.gold.closedThrough ?? 'n/a'}`}`,
  );
  lines.push(
    `           most critical (unified_device_health):`,
    ...v.critical.map(
      (r) =>
        `           ${String(r.date)} ${String(r.source).padEnd(8)} ${String(r.device_id).padEnd(12)} ${Number(r.criticality_score).toFixed(2)}  ${r.priority}  ${r.pending_anomalies} pending`,
    ),
  );
  const fresh = v.freshness.map((f) => `${f.source} ${f.newest_event_time ?? 'none'}`).join(', ');
  lines.push(`           freshness: ${fresh}`);
  lines.push(
    `dashboard  export of ${s.dashboard.panels.length} panels (last ${s.dashboard.range} of the newest event served): ${s.dashboard.html}`,
  );
  lines.push('', 'topics');
  for (const t of s.topics) {
    const total = t.partitions.reduce((sum, p) => sum + p.endOffset, 0);
    const groups = t.groups.map((g) => `${g.group} lag ${formatCount(g.lag)}`).join(', ');
    lines.push(
      `  ${t.topic.padEnd(28)} ${formatCount(total).padStart(10)} messages${groups ? `  (${groups})` : ''}`,
    );
  }
  lines.push('', `done in ${(s.elapsedMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

type RunOptions = { devices: number; days: number; seed: number; again?: boolean; json?: boolean };

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'Run the whole pipeline on the configured stack (embedded defaults: no services needed) and print a summary.\n\n' +
        'Repeatable: an existing data directory is reused, and a simulation already in the log is not produced again. ' +
        'Another plant (another seed) on dates the data directory holds is refused (exit 2): use a fresh ' +
        'LAMBDA_IOT_DATA_DIR, or --again. ' +
        'This is what `npm start` runs.',
    )
    .option('--devices <n>', 'devices in the plant', positiveInt, DEFAULT_PLANT.devices)
    .option('--days <d>', 'days of history', positiveNumber, DEFAULT_PLANT.days)
    .option('--seed <n>', 'random seed', positiveInt, DEFAULT_PLANT.seed)
    .option(
      '--again',
      'produce the simulation even if it is already in the log, or another plant (another seed) is in this data directory on the same dates',
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExamples:\n  $ npm start\n  $ lambda-iot run --devices 3 --days 2 --json')
    .action(async (options: RunOptions) => {
      await withCliStack(async (stack) => {
        const stop = stopSignal();
        const progress = createProgress('simulate', { enabled: !options.json });
        try {
          const summary = await runPipeline(
            stack,
            { devices: options.devices, days: options.days, seed: options.seed, again: options.again },
            {
              signal: stop.signal,
              onProgress: (_step, fraction) => progress.update(fraction),
              onStep: (step, status, detail) => {
                if (status === 'done') progress.stop();
                if (!options.json && status === 'start') say(`▶ ${step}`);
                if (!options.json && status === 'done') say(`✓ ${step}${detail ? ` (${detail})` : ''}`);
              },
            },
          );
          if (options.json) return printJson(summary);
          return writeOut(formatSummary(summary));
        } finally {
          progress.stop();
          stop.dispose();
        }
      });
    });
}
