import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatStatus, statusExitCode } from '../../src/cli/commands/serve.js';
import type { ServingStatus } from '../../src/serving/port.js';
import { parseRoutineLoadRow, servingProblems } from '../../src/serving/starrocksStatus.js';
import { readVerticalRows } from '../support/verticalRows.js';

const fixture = (name: string) =>
  readVerticalRows(path.join(__dirname, '..', 'serving', 'fixtures', 'starrocks', name));

function starrocksStatus(file: string, job: string): ServingStatus {
  const loads = fixture(file).map(parseRoutineLoadRow);
  return {
    kind: 'starrocks',
    where: 'starrocks 127.0.0.1:9030/iot',
    freshness: [],
    refreshes: [],
    tables: {},
    routineLoads: loads,
    materializedViews: [],
    problems: servingProblems(loads, [], { loads: [job], views: [] }),
  };
}

describe('serve status on StarRocks (documentation fixtures)', () => {
  it('reports a PAUSED routine load with its reason and the offsets where it stopped, and exits 1', () => {
    const status = starrocksStatus('show_routine_load_paused.txt', 'example_tbl_ordertest2');
    const text = formatStatus(status, []);
    const reason = String(fixture('show_routine_load_paused.txt')[0]!.ReasonOfStateChanged);
    expect(text).toContain('PROBLEMS:');
    expect(text).toContain(reason);
    expect(text).toContain('partition 0 at 19 of 20');
    expect(statusExitCode(status)).toBe(1);
  });

  it('a RUNNING routine load is healthy and exits 0', () => {
    const status = starrocksStatus('show_routine_load_running.txt', 'example_tbl_ordertest1');
    expect(formatStatus(status, [])).toContain('healthy');
    expect(statusExitCode(status)).toBe(0);
  });
});
