import { describe, expect, it } from 'vitest';
import { PlantSimulator, type SimulatedMessage } from '../../src/ingest/index.js';
import { HOUR_MS } from '../../src/time/utcTime.js';
import { collectHistory, DAY, FROM_MS, makeOptions, serializeMessages } from './simulationFixtures.js';

describe('PlantSimulator determinism', () => {
  it('gives byte-identical messages for the same options', () => {
    const options = makeOptions({ devices: 5, toMs: FROM_MS + 2 * DAY });
    expect(serializeMessages(collectHistory(options))).toBe(serializeMessages(collectHistory(options)));
  });

  it('gives different messages for a different seed', () => {
    const a = collectHistory(makeOptions({ seed: 1 }));
    const b = collectHistory(makeOptions({ seed: 2 }));
    expect(a.length).toBeGreaterThan(0);
    expect(serializeMessages(a)).not.toBe(serializeMessages(b));
  });

  it('simulates device_3 identically in a 5- and a 10-device plant', () => {
    const pick = (devices: number) =>
      collectHistory(makeOptions({ devices, toMs: FROM_MS + 20 * DAY })).filter((m) => m.key === 'device_3');
    const small = pick(5);
    expect(small.some((m) => m.topic === 'events')).toBe(true);
    expect(serializeMessages(pick(10))).toBe(serializeMessages(small));
  });

  it('yields the same stream and truth whether advanced in chunks or at once', () => {
    const options = makeOptions({ devices: 4, toMs: FROM_MS + 3 * DAY });
    const whole = new PlantSimulator(options);
    const all = [...whole.advance(options.toMs)];
    const chunked = new PlantSimulator(options);
    const pieces: SimulatedMessage[] = [];
    let until = FROM_MS;
    for (const step of [1, 17 * 60_000, 2.5 * HOUR_MS, 59_999, 7 * HOUR_MS, DAY, 3 * DAY]) {
      until += step;
      pieces.push(...chunked.advance(until));
      // Calling again with the same limit yields nothing new.
      expect([...chunked.advance(until)]).toEqual([]);
    }
    expect(serializeMessages(pieces)).toBe(serializeMessages(all));
    expect(JSON.stringify(chunked.truth)).toBe(JSON.stringify(whole.truth));
  });

  it('releases ground truth only up to the advance limit (a live run never shows the future)', () => {
    const plant = new PlantSimulator(makeOptions({ devices: 10, toMs: Number.POSITIVE_INFINITY }));
    const limit = FROM_MS + 10 * DAY + 90 * 60_000;
    for (const _ of plant.advance(limit)) {
      // drain
    }
    const times = [
      ...plant.truth.health,
      ...plant.truth.failures,
      ...plant.truth.maintenances,
      ...plant.truth.inspections,
    ].map((row) => Date.parse(row.timestamp));
    expect(plant.truth.failures.length).toBeGreaterThan(0);
    expect(Math.max(...times)).toBeLessThan(limit);
  });

  it('orders messages by time, then device, with telemetry before events', () => {
    const messages = collectHistory(makeOptions({ devices: 10, toMs: FROM_MS + 10 * DAY }));
    const deviceNumber = (m: SimulatedMessage) => Number(m.key.slice('device_'.length));
    const rank = (m: SimulatedMessage) => [m.timestamp, deviceNumber(m), m.topic === 'telemetry' ? 0 : 1];
    let disorder = 0;
    for (let i = 1; i < messages.length; i++) {
      const [t0, d0, k0] = rank(messages[i - 1]!);
      const [t1, d1, k1] = rank(messages[i]!);
      if (t1! < t0! || (t1 === t0 && (d1! < d0! || (d1 === d0 && k1! < k0!)))) disorder++;
    }
    expect(disorder).toBe(0);
    expect(messages.every((m) => m.timestamp >= FROM_MS && m.timestamp < FROM_MS + 10 * DAY)).toBe(true);
  });
});
