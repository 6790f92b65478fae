import type { Catalog } from '../catalog/port.js';
import { MAIN_BRANCH } from '../catalog/port.js';
import { CatalogTableNotFoundError, InvalidArgumentError } from '../errors.js';
import { tableFiles } from '../iceberg/tableReader.js';
import { listRawFiles, type RawFile } from '../lake/lakeReader.js';
import { type LandedGap, landedGaps, readLostRanges } from '../lake/landingGaps.js';
import { landedPartitionKey } from '../lake/rawLayout.js';
import type { ObjectStore } from '../store/objectStore.js';
import { addDays, DAY_MS, utcDate } from '../time/utcTime.js';
/** Summary keys the batch run stamps on every snapshot it writes. */
import { CLOSED_THROUGH_PROPERTY, closedThrough as closedThroughOf } from './closedThrough.js';
import { GOLD_TABLES } from './gold.js';

export const RUN_SUMMARY = {
  runId: 'lambda-iot.run-id',
  watermark: 'lambda-iot.raw-watermark',
  range: 'lambda-iot.range',
  /** The failure model that scored gold_failure_predictions (and the schedule built on it). */
  modelId: 'lambda-iot.model-id',
} as const;

/**
 * What the lake held when a run read it: the highest landed offset per topic partition (keys as
 * landedPartitionKey: `topic:partition`, `log=2/topic:partition` for a lake's second log), and other files.
 */
export interface RawWatermark {
  offsets: Record<string, number>;
  foreign: string[];
}

/** Which dates a run rebuilds: explicit ones, every date, or (default) what is new since the last published run. */
export interface RangeOptions {
  /** First and last date to (re)build, YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** Rebuild every date in the lake. */
  full?: boolean;
}

/** The lake's watermark: highest landed offset per topic:partition, and the files not named by the sink. */
export function watermarkOf(files: readonly RawFile[]): RawWatermark {
  const offsets: Record<string, number> = {};
  const foreign: string[] = [];
  for (const f of files) {
    if (f.landed === undefined) {
      foreign.push(`${f.key}@${f.size}`);
      continue;
    }
    const key = landedPartitionKey(f.landed);
    offsets[key] = Math.max(offsets[key] ?? -1, f.landed.lastOffset);
  }
  return { offsets, foreign: foreign.sort() };
}

/** Files that arrived after a watermark: landed past its offsets, or other files it did not list. */
export function newSince(files: readonly RawFile[], mark: RawWatermark): RawFile[] {
  const foreign = new Set(mark.foreign);
  return files.filter((f) =>
    f.landed === undefined
      ? !foreign.has(`${f.key}@${f.size}`)
      : f.landed.lastOffset > (mark.offsets[landedPartitionKey(f.landed)] ?? -1),
  );
}

/** Why explicit dates cannot make a range (`--from` after `--to`), or undefined when they can. */
export function rangeProblem(options: RangeOptions): string | undefined {
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) {
    return `--from must be on or before --to (got --from ${options.from} --to ${options.to})`;
  }
  return undefined;
}

/**
 * Sorted dates as runs of consecutive days, e.g. "2025-04-01 … 2025-04-03, 2025-04-07".
 * @example describeDates(['2025-04-01', '2025-04-02', '2025-04-07']); // "2025-04-01 … 2025-04-02, 2025-04-07"
 */
export function describeDates(sorted: readonly string[]): string {
  const spans: [string, string][] = [];
  for (const date of sorted) {
    const last = spans.at(-1);
    if (last !== undefined && (date === last[1] || date === addDays(last[1], 1))) last[1] = date;
    else spans.push([date, date]);
  }
  return spans.map(([a, b]) => (a === b ? a : `${a} … ${b}`)).join(', ');
}

/**
 * The dates a run rebuilds. Explicit --from/--to win (a range without raw telemetry is null, naming the dates
 * the lake holds; --from after --to throws InvalidArgumentError); --full or a first run takes every date in the lake;
 * otherwise new telemetry for day D rebuilds D..D+7 (the days whose baselines or windows include D) and a
 * new events file for day D rebuilds D..the newest date (a late maintenance changes days_since_maintenance
 * for every later day), each capped at the newest raw date.
 */
export function chooseRange(
  telemetry: readonly RawFile[],
  events: readonly RawFile[],
  previous: RawWatermark | undefined,
  options: RangeOptions,
): { range: { from: string; to: string } | null; reason: string; empty?: { from: string; to: string } } {
  const problem = rangeProblem(options);
  if (problem !== undefined) throw new InvalidArgumentError(`batch range rejected: ${problem}`);
  const dates = telemetry.map((f) => f.date).sort();
  if (dates.length === 0)
    return { range: null, reason: 'the lake has no raw telemetry (run lambda-iot land first)' };
  const newest = dates[dates.length - 1]!;
  if (options.from !== undefined || options.to !== undefined) {
    const from = options.from ?? dates[0]!;
    const to = options.to ?? newest;
    if (!dates.some((d) => d >= from && d <= to)) {
      return {
        range: null,
        reason: `no raw telemetry from ${from} to ${to}; the lake holds telemetry for ${describeDates(dates)}`,
        ...(from <= to ? { empty: { from, to } } : {}),
      };
    }
    return { range: { from, to }, reason: 'dates given' };
  }
  if (options.full || previous === undefined) {
    return {
      range: { from: dates[0]!, to: newest },
      reason: options.full ? 'full rebuild' : 'first run: every date in the lake',
    };
  }
  const newTelemetry = newSince(telemetry, previous);
  const newEvents = newSince(events, previous);
  if (newTelemetry.length === 0 && newEvents.length === 0) {
    return { range: null, reason: 'nothing new in the lake since the last published run' };
  }
  const latest = (dates: string[]) => [...dates].sort().at(-1)!;
  const earliest = (dates: string[]) => [...dates].sort()[0]!;
  const from = latest([earliest([...newTelemetry, ...newEvents].map((f) => f.date)), dates[0]!]);
  const to = latest([
    from,
    ...newTelemetry.map((f) => earliest([addDays(f.date, 7), newest])),
    ...newEvents.map(() => newest),
  ]);
  return {
    range: { from, to },
    reason: `${newTelemetry.length} new telemetry and ${newEvents.length} new events files since the last published run`,
  };
}

/**
 * The watermark stamped on gold_device_health at a commit of main, or undefined when no run was published
 * there: the table does not exist yet (a first run) or its snapshot carries no watermark. Any other catalog
 * error propagates: an unreadable catalog must not pass for a first run (a silent full rebuild).
 */
export async function previousWatermark(
  catalog: Catalog,
  mainHash: string,
): Promise<RawWatermark | undefined> {
  const text = (await previousRunSummary(catalog, mainHash))?.[RUN_SUMMARY.watermark];
  return text ? (JSON.parse(text) as RawWatermark) : undefined;
}

/** Whether gold_device_health at a commit of main has data files for some of the dates. */
async function goldHoldsDates(
  store: ObjectStore,
  catalog: Catalog,
  mainHash: string,
  dates: { from: string; to: string },
): Promise<boolean> {
  try {
    const { metadata } = await catalog.loadTable(
      `${MAIN_BRANCH}@${mainHash}`,
      GOLD_TABLES[0]!.definition.name,
    );
    return (await tableFiles(store, metadata, { fromDate: dates.from, toDate: dates.to })).length > 0;
  } catch (error) {
    if (error instanceof CatalogTableNotFoundError) return false;
    throw error;
  }
}

/** The snapshot summary of gold_device_health at a commit of main, or undefined before the first run. */
async function previousRunSummary(
  catalog: Catalog,
  mainHash: string,
): Promise<Record<string, string> | undefined> {
  let loaded: Awaited<ReturnType<Catalog['loadTable']>>;
  try {
    // main was resolved to this hash just before: a not-found here is the table, not the ref.
    loaded = await catalog.loadTable(`${MAIN_BRANCH}@${mainHash}`, GOLD_TABLES[0]!.definition.name);
  } catch (error) {
    if (error instanceof CatalogTableNotFoundError) return undefined;
    throw error;
  }
  const { metadata } = loaded;
  const current = metadata.snapshots.find((s) => s['snapshot-id'] === metadata.refs.main?.['snapshot-id']);
  return current?.summary;
}

/** The event dates that can hold accepted data: LAMBDA_IOT_EVENT_TIME_MIN to the day of now + 24 h (UTC). */
export function plausibleDates(eventTimeMin: string, now: number): { from: string; to: string } {
  return { from: eventTimeMin, to: utcDate(now + DAY_MS) };
}

/** The later of two dates YYYY-MM-DD. */
export const laterDate = (a: string, b: string): string => [a, b].sort()[1]!;

/** A raw file skipped because its date folder lies outside the plausible event-time window. */
export interface SkippedRawFile {
  key: string;
  date: string;
}

/** What a run will do, decided before it builds anything. */
export interface BatchPlan {
  /** Raw files whose date folder lies outside the plausible window: not read, named in a warning. */
  skipped: SkippedRawFile[];
  /** The plausible event dates the run reads. */
  plausible: { from: string; to: string };
  /** The dates to rebuild; null when there is nothing to do (then `reason` says why). */
  range: { from: string; to: string } | null;
  reason: string;
  /** main's head the plan was made on. */
  mainHash: string;
  /** Newest event date of the raw telemetry ('' when there is none). */
  newestRawDate: string;
  /** The watermark the run stamps on its snapshots, as JSON. */
  watermark: string;
  /** The batch watermark (newest closed date) the run stamps as lambda-iot.closed-through; null when none. */
  closedThrough: string | null;
  /** Gaps in the landed offsets of the telemetry and events the run read, less recorded losses (landedGaps). */
  rawGaps: LandedGap[];
  /** The lake's raw files as the plan listed them (its second listing): what the run reads, by date. */
  listed: { telemetry: RawFile[]; events: RawFile[]; anomalies: RawFile[] };
}

/**
 * Reads the lake and main, and decides the dates to rebuild and the watermark to stamp. A run over given
 * dates has not looked at the rest of the lake: it stamps the previous watermark again.
 */
export async function planBatch(
  store: ObjectStore,
  catalog: Catalog,
  options: RangeOptions,
  plausible: { from: string; to: string },
): Promise<BatchPlan> {
  // The watermark comes from a first listing; the run reads a second one, started after the first ended, so
  // every file at or below the watermark (durable before the second listing began) is in what the run reads,
  // even one the landing sink wrote into an earlier date folder while the first listing walked past it.
  // Files in date folders outside the plausible window count in the watermark (seen) but are not read.
  const inside = (f: RawFile) => f.date >= plausible.from && f.date <= plausible.to;
  const listedTelemetry = await listRawFiles(store, 'telemetry');
  const stampable = watermarkOf([...listedTelemetry, ...(await listRawFiles(store, 'events'))]);
  const allTelemetry = await listRawFiles(store, 'telemetry');
  const allEvents = await listRawFiles(store, 'events');
  const telemetry = allTelemetry.filter(inside);
  const events = allEvents.filter(inside);
  const allAnomalies = await listRawFiles(store, 'anomalies');
  const skipped = [...allTelemetry, ...allEvents, ...allAnomalies]
    .filter((f) => !inside(f))
    .map((f) => ({ key: f.key, date: f.date }));
  const rawGaps = landedGaps(
    [...allTelemetry, ...allEvents].flatMap((f) => (f.landed === undefined ? [] : [f.landed])),
    await readLostRanges(store),
  );
  const mainHash = (await catalog.getBranch(MAIN_BRANCH)).hash;
  const previousSummary = await previousRunSummary(catalog, mainHash);
  const previousText = previousSummary?.[RUN_SUMMARY.watermark];
  const previous = previousText ? (JSON.parse(previousText) as RawWatermark) : undefined;
  let chosen = chooseRange(telemetry, events, previous, options);
  // Given dates without raw telemetry are still rebuilt when Gold on main holds rows for them (their files
  // were removed): the rebuild removes those rows. Otherwise the run would publish an empty commit.
  if (chosen.empty !== undefined && (await goldHoldsDates(store, catalog, mainHash, chosen.empty))) {
    const { from, to } = chosen.empty;
    chosen = {
      range: chosen.empty,
      reason: `no raw telemetry from ${from} to ${to}: the rebuild removes their Gold rows`,
    };
  }
  // Given dates beyond the window cannot hold accepted data: the run rebuilds their plausible part.
  const range =
    chosen.range === null
      ? null
      : {
          from: laterDate(chosen.range.from, plausible.from),
          to: [chosen.range.to, plausible.to].sort()[0]!,
        };
  const partial = (options.from !== undefined || options.to !== undefined) && !options.full;
  return {
    range,
    reason: chosen.reason,
    skipped,
    plausible,
    mainHash,
    rawGaps,
    listed: { telemetry: allTelemetry, events: allEvents, anomalies: allAnomalies },
    newestRawDate:
      telemetry
        .map((f) => f.date)
        .sort()
        .at(-1) ?? '',
    watermark: JSON.stringify(partial ? (previous ?? { offsets: {}, foreign: [] }) : stampable),
    // Like the raw watermark, a run over given dates keeps the previous closed date.
    closedThrough: partial
      ? (previousSummary?.[CLOSED_THROUGH_PROPERTY] ?? null)
      : closedThroughOf(listedTelemetry.filter(inside)),
  };
}
