import { describe, expect, it } from 'vitest';
import { Random, roundTo } from '../../src/util/random.js';

describe('Random', () => {
  it('repeats a sequence for the same seed and stream', () => {
    const a = new Random(42, 7);
    const b = new Random(42, 7);
    const drawsA = Array.from({ length: 50 }, () => a.drawUint32());
    const drawsB = Array.from({ length: 50 }, () => b.drawUint32());
    expect(drawsA).toEqual(drawsB);
  });

  it('gives different sequences for different seeds, streams and large seeds', () => {
    const first = (seed: number, stream: number) => new Random(seed, stream).drawUint32();
    const values = new Set([
      first(1, 1),
      first(2, 1),
      first(1, 2),
      first(1, 0),
      first(2 ** 40 + 1, 1),
      first(-1, 1),
    ]);
    expect(values.size).toBe(6);
  });

  it('draws uniform floats in [0, 1) with mean ≈ 0.5', () => {
    const rng = new Random(3);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.drawFloat();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('draws integers over the whole inclusive range', () => {
    const rng = new Random(4);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(rng.drawInt(7, 30));
    expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, i) => 7 + i));
  });

  it('draws Gaussians with the requested mean and standard deviation (Box–Muller)', () => {
    const rng = new Random(5);
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.drawGaussian(88, 5);
      sum += x;
      squares += x * x;
    }
    const mean = sum / n;
    const sd = Math.sqrt(squares / n - mean * mean);
    expect(mean).toBeCloseTo(88, 1);
    expect(sd).toBeGreaterThan(4.95);
    expect(sd).toBeLessThan(5.05);
  });

  it('picks by weight', () => {
    const rng = new Random(6);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 60_000; i++) counts[rng.pickWeighted(['a', 'b', 'c'] as const, [0.1, 0.3, 0.6])]++;
    expect(counts.a / 60_000).toBeCloseTo(0.1, 1);
    expect(counts.b / 60_000).toBeCloseTo(0.3, 1);
    expect(counts.c / 60_000).toBeCloseTo(0.6, 1);
  });

  it('rounds to decimal places', () => {
    expect(roundTo(21.46, 1)).toBe(21.5);
    expect(roundTo(1.234, 2)).toBe(1.23);
  });
});
