import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseMaterializedViewRow,
  parseRoutineLoadRow,
  servingProblems,
} from '../../src/serving/starrocksStatus.js';
import { readVerticalRows } from '../support/verticalRows.js';

/** Fixtures: StarRocks documentation examples (each file notes its source and version). */
const fixture = (name: string) => readVerticalRows(path.join(__dirname, 'fixtures', 'starrocks', name));

describe('SHOW ROUTINE LOAD parsing (documentation examples)', () => {
  it('reads a RUNNING job: state, counters, offsets; nothing to report', () => {
    const [row] = fixture('show_routine_load_running.txt');
    const job = parseRoutineLoadRow(row!);
    expect(job).toMatchObject({
      name: 'example_tbl_ordertest1',
      state: 'RUNNING',
      stopped: false,
      reason: null,
      errorLogUrls: null,
      pausedAt: null,
      progress: { '0': '5' },
      latest: { '0': '6' },
    });
    expect(job.statistic).toMatchObject({ totalRows: 6, loadedRows: 6, errorRows: 0 });
    expect(servingProblems([job], [], { loads: ['example_tbl_ordertest1'], views: [] })).toEqual([]);
  });

  it('reports a PAUSED job with its reason, error log and the offsets where it stopped', () => {
    const [row] = fixture('show_routine_load_paused.txt');
    const job = parseRoutineLoadRow(row!);
    expect(job).toMatchObject({
      name: 'example_tbl_ordertest2',
      state: 'PAUSED',
      stopped: true,
      pausedAt: '2023-12-22 12:13:38',
      progress: { '0': '19' },
      latest: { '0': '20' },
    });
    expect(job.statistic).toMatchObject({ totalRows: 16, loadedRows: 6, errorRows: 10 });
    expect(job.reason).toBe(row!.ReasonOfStateChanged);
    expect(job.errorLogUrls).toBe(row!.ErrorLogUrls);
    expect(job.trackingSql).toBe(row!.TrackingSQL);
    const [problem, ...rest] = servingProblems([job], [], { loads: ['example_tbl_ordertest2'], views: [] });
    expect(rest).toEqual([]);
    // the reason and the error log as StarRocks wrote them (never matched, only shown), and the offsets
    expect(problem).toContain('PAUSED');
    expect(problem).toContain(row!.ReasonOfStateChanged);
    expect(problem).toContain(row!.ErrorLogUrls);
    expect(problem).toContain('partition 0 at 19 of 20');
  });

  it('reports a kit job that does not exist', () => {
    expect(servingProblems([], [], { loads: ['anomalies_streaming_load'], views: [] })).toEqual([
      'routine load anomalies_streaming_load: not created (run lambda-iot serve)',
    ]);
  });
});

describe('SHOW MATERIALIZED VIEWS parsing', () => {
  it('reads the documentation example: active, last refresh SUCCESS; nothing to report', () => {
    const [row] = fixture('show_materialized_views_success.txt');
    const view = parseMaterializedViewRow(row!);
    expect(view).toMatchObject({
      name: 'mv_pred_2',
      active: true,
      inactiveReason: null,
      lastRefreshState: 'SUCCESS',
      lastRefreshFinished: '2023-08-04 16:46:54',
      lastRefreshSeconds: 3.996,
      errorMessage: null,
      rows: 0,
    });
    expect(servingProblems([], [view], { loads: [], views: ['mv_pred_2'] })).toEqual([]);
  });

  it('reports a failed last refresh with its code and message', () => {
    const [row] = fixture('show_materialized_views_failed.txt');
    const view = parseMaterializedViewRow(row!);
    expect(view.lastRefreshState).toBe('FAILED');
    const problems = servingProblems([], [view], { loads: [], views: ['mv_pred_2'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('FAILED');
    expect(problems[0]).toContain('(code -1)');
    expect(problems[0]).toContain(row!.last_refresh_error_message);
  });

  it('reads columns by name whatever their order, and tolerates missing newer columns', () => {
    const [row] = fixture('show_routine_load_paused.txt');
    const reversed = Object.fromEntries(
      Object.entries(row!)
        .reverse()
        .filter(([k]) => k !== 'LatestSourcePosition' && k !== 'TimestampProgress'),
    );
    const job = parseRoutineLoadRow(reversed);
    expect(job).toMatchObject({ state: 'PAUSED', stopped: true, latest: null, progress: { '0': '19' } });
  });
});
