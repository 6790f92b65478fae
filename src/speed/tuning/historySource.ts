import { InvalidArgumentError } from '../../errors.js';
import { type SimulatedMessage, type SimulationOptions, simulateHistory } from '../../ingest/index.js';
import { compareDeviceIds } from '../../schema/deviceOrder.js';
import type { MachineEvent } from '../../schema/events.js';
import type { Telemetry } from '../../schema/telemetry.js';

/** One replayed message: a reading or a machine event, with its event time in epoch ms. */
export type HistoryItem =
  | { topic: 'telemetry'; ms: number; value: Telemetry }
  | { topic: 'events'; ms: number; value: MachineEvent };

/** What one pass over a source saw. */
export interface ReplayStats {
  /** Readings and machine events passed on (inside the time range). */
  telemetry: number;
  events: number;
  /** Messages that failed the shared validator and were skipped. */
  invalid: number;
  /** Repeated deliveries of one message (at-least-once) that were dropped. */
  duplicates: number;
  /** Valid messages outside the time range. */
  outOfRange: number;
}

/** A half-open event-time range [fromMs, toMs); a missing bound is open. */
export interface TimeRange {
  /** Inclusive start, epoch ms. Default: no lower bound. */
  fromMs?: number;
  /** Exclusive end, epoch ms. Default: no upper bound. */
  toMs?: number;
}

/**
 * The port a backtest replays: the log now, the lake later. A source yields readings and machine events
 * in event-time order (ties: device, then telemetry before events); each items() call replays from the start.
 */
export interface HistorySource {
  /** Where the history comes from, for messages, e.g. "log embedded data/log/log.sqlite". */
  readonly label: string;
  /** Every item in event-time order. */
  items(): Iterable<HistoryItem> | AsyncIterable<HistoryItem>;
  /** Counts of the latest pass (updated while items() is iterated). */
  readonly stats: ReplayStats;
}

/** Fresh zero counts. */
export function emptyReplayStats(): ReplayStats {
  return { telemetry: 0, events: 0, invalid: 0, duplicates: 0, outOfRange: 0 };
}

/**
 * Visits every item of one pass, synchronously when the source is synchronous (much faster than
 * `for await` over millions of in-memory readings).
 * @example await forEachHistoryItem(source, (item) => { if (item.topic === 'telemetry') n++; });
 */
export async function forEachHistoryItem(
  source: HistorySource,
  visit: (item: HistoryItem) => void,
): Promise<void> {
  const items = source.items();
  if (Symbol.asyncIterator in items) {
    for await (const item of items) visit(item);
    return;
  }
  for (const item of items) visit(item);
}

/** Replay order: event time, then device, then telemetry before events. */
export function compareHistoryItems(a: HistoryItem, b: HistoryItem): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  const byDevice = compareDeviceIds(a.value.device_id, b.value.device_id);
  if (byDevice !== 0) return byDevice;
  return a.topic === b.topic ? 0 : a.topic === 'telemetry' ? -1 : 1;
}

/** The identity of a message across repeated deliveries: one reading per device and instant, one event per type. */
function identify(item: HistoryItem): string {
  return item.topic === 'telemetry'
    ? `t\u0000${item.value.device_id}\u0000${item.ms}`
    : `e\u0000${item.value.device_id}\u0000${item.ms}\u0000${item.value.event_type}`;
}

/** Whether ms lies in the half-open range. */
export function isInRange(ms: number, range: TimeRange): boolean {
  return (range.fromMs === undefined || ms >= range.fromMs) && (range.toMs === undefined || ms < range.toMs);
}

/**
 * Sorts items into replay order in place and drops repeated deliveries (same identity; the first is kept),
 * counting them in stats.duplicates. Returns the kept items.
 */
export function orderHistory(items: HistoryItem[], stats: ReplayStats): HistoryItem[] {
  // Devices ranked once: comparing ids naturally inside the sort would dominate it (many ties in time).
  const devices = [...new Set(items.map((i) => i.value.device_id))].sort(compareDeviceIds);
  const rank = new Map(devices.map((id, i) => [id, i]));
  items.sort(
    (a, b) =>
      a.ms - b.ms ||
      rank.get(a.value.device_id)! - rank.get(b.value.device_id)! ||
      (a.topic === b.topic ? 0 : a.topic === 'telemetry' ? -1 : 1),
  );
  const kept: HistoryItem[] = [];
  // Duplicates share ms (and sort next to each other within it): remember identities of the current instant.
  let instant = Number.NaN;
  let seen = new Set<string>();
  for (const item of items) {
    if (item.ms !== instant) {
      instant = item.ms;
      seen = new Set();
    }
    const id = identify(item);
    if (seen.has(id)) {
      stats.duplicates++;
      continue;
    }
    seen.add(id);
    kept.push(item);
  }
  return kept;
}

/** Counts items of one pass into stats (reset first) and drops those outside the range. */
function* countPass(
  items: Iterable<HistoryItem>,
  range: TimeRange,
  stats: ReplayStats,
  duplicates = 0,
): Generator<HistoryItem> {
  Object.assign(stats, emptyReplayStats(), { duplicates });
  for (const item of items) {
    if (!isInRange(item.ms, range)) {
      stats.outOfRange++;
      continue;
    }
    if (item.topic === 'telemetry') stats.telemetry++;
    else stats.events++;
    yield item;
  }
}

/**
 * An in-memory source from arrays of readings and events (any order: they are sorted once, and repeated
 * deliveries dropped). The arrays are trusted to be valid.
 * @example const source = historyFromArrays({ telemetry: readings, events }, { fromMs: Date.UTC(2025, 3, 2) });
 */
export function historyFromArrays(
  data: { telemetry?: readonly Telemetry[]; events?: readonly MachineEvent[] },
  range: TimeRange = {},
): HistorySource {
  const stats = emptyReplayStats();
  let ordered: HistoryItem[] | null = null;
  let duplicates = 0;
  const order = (): HistoryItem[] => {
    const items: HistoryItem[] = [];
    for (const value of data.telemetry ?? []) {
      items.push({ topic: 'telemetry', ms: Date.parse(value.timestamp), value });
    }
    for (const value of data.events ?? []) {
      items.push({ topic: 'events', ms: Date.parse(value.event_timestamp), value });
    }
    const counts = emptyReplayStats();
    const kept = orderHistory(items, counts);
    duplicates = counts.duplicates;
    return kept;
  };
  return {
    label: 'memory',
    stats,
    *items() {
      ordered ??= order();
      yield* countPass(ordered, range, stats, duplicates);
    },
  };
}

/** Maps simulator messages to history items, failing loudly if they are not in time order. */
function* fromMessages(messages: Iterable<SimulatedMessage>): Generator<HistoryItem> {
  let previous = Number.NEGATIVE_INFINITY;
  for (const m of messages) {
    if (m.timestamp < previous) {
      throw new InvalidArgumentError(
        `history messages out of time order at ${m.timestamp} (after ${previous}); use historyFromArrays to sort them`,
      );
    }
    previous = m.timestamp;
    yield m.topic === 'telemetry'
      ? { topic: 'telemetry', ms: m.timestamp, value: m.value }
      : { topic: 'events', ms: m.timestamp, value: m.value };
  }
}

/**
 * A source over simulator messages already in replay order (what simulateHistory yields). A generator can
 * be replayed only once; pass a function to replay it more often.
 * @example const source = historyFromMessages(() => simulateHistory(options));
 */
export function historyFromMessages(
  messages: Iterable<SimulatedMessage> | (() => Iterable<SimulatedMessage>),
  range: TimeRange = {},
  label = 'memory',
): HistorySource {
  const stats = emptyReplayStats();
  return {
    label,
    stats,
    items: () =>
      countPass(fromMessages(typeof messages === 'function' ? messages() : messages), range, stats),
  };
}

/**
 * A source that simulates the plant in memory on every pass (deterministic: each pass is identical), so a
 * 50 devices × 30 days backtest needs no log and little memory.
 * @example const source = historyFromSimulation({ devices: 50, seed: 1, fromMs, toMs: fromMs + 30 * DAY_MS, cadenceMs: 60_000, profile: 'degrading' });
 */
export function historyFromSimulation(options: SimulationOptions, range: TimeRange = {}): HistorySource {
  return historyFromMessages(
    () => simulateHistory(options),
    range,
    `simulation ${options.devices} devices, seed ${options.seed}`,
  );
}
