/**
 * A small seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator),
 * its 128-bit state filled by splitmix32 from (seed, stream). Each stream is an independent sequence, so a
 * device's randomness depends only on the run seed and its own index, never on how many devices exist.
 * Never reads the wall clock or Math.random.
 */

const TWO_POW_32 = 4_294_967_296;

/** One step of splitmix32 on `state`: returns [output, next state]. */
function stepSplitMix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [z >>> 0, next];
}

/** A seeded generator of uniform, Gaussian, integer and weighted draws. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareGaussian = 0;
  private hasSpare = false;

  /**
   * @param seed any safe integer (the run seed)
   * @param stream any safe integer naming an independent sequence (e.g. a device index)
   */
  constructor(seed: number, stream = 0) {
    // Fold both 53-bit integers into 32-bit halves and mix them through splitmix32.
    const seedLo = seed >>> 0;
    const seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
    const streamLo = stream >>> 0;
    const streamHi = Math.floor(stream / TWO_POW_32) >>> 0;
    const [mixed] = stepSplitMix32(seedLo ^ Math.imul(seedHi, 0x27d4eb2f));
    let state = (mixed ^ Math.imul(streamLo + 1, 0x165667b1) ^ Math.imul(streamHi, 0x61c88647)) | 0;
    [this.a, state] = stepSplitMix32(state);
    [this.b, state] = stepSplitMix32(state);
    [this.c, state] = stepSplitMix32(state);
    [this.d, state] = stepSplitMix32(state);
    for (let i = 0; i < 12; i++) this.drawUint32();
  }

  /**
   * The next raw 32-bit unsigned integer.
   * @example new Random(1).drawUint32(); // an integer in [0, 2^32)
   */
  drawUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /**
   * A uniform float in [0, 1) with 32 bits of resolution.
   * @example const u = new Random(7, 3).drawFloat();
   */
  drawFloat(): number {
    return this.drawUint32() / TWO_POW_32;
  }

  /**
   * A uniform float in [min, max).
   * @example rng.drawUniform(20, 23); // a device's base temperature
   */
  drawUniform(min: number, max: number): number {
    return min + (max - min) * this.drawFloat();
  }

  /**
   * A uniform integer in [min, max], both inclusive.
   * @example rng.drawInt(1000, 1999); // an error code number
   */
  drawInt(min: number, max: number): number {
    return min + Math.floor(this.drawFloat() * (max - min + 1));
  }

  /**
   * True with probability p.
   * @example if (rng.drawChance(0.05)) vibration += 3;
   */
  drawChance(p: number): boolean {
    return this.drawFloat() < p;
  }

  /**
   * A normal draw N(mean, sd) by the Box–Muller transform (the second value of each pair is kept for the next call).
   * @example rng.drawGaussian(88, 5); // a signal strength before clipping
   */
  drawGaussian(mean = 0, sd = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + sd * this.spareGaussian;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.drawFloat()));
    const angle = 2 * Math.PI * this.drawFloat();
    this.spareGaussian = radius * Math.sin(angle);
    this.hasSpare = true;
    return mean + sd * radius * Math.cos(angle);
  }

  /**
   * One of `items`, chosen with the matching relative `weights`.
   * @example rng.pickWeighted(['failure', 'maintenance', 'inspection'], [0.1, 0.3, 0.6]);
   */
  pickWeighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.drawFloat() * total;
    for (let i = 0; i < items.length; i++) {
      u -= weights[i]!;
      if (u < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }

  /**
   * One of `items`, uniformly.
   * @example rng.pickOne(['low', 'medium', 'high']);
   */
  pickOne<T>(items: readonly T[]): T {
    return items[Math.floor(this.drawFloat() * items.length)]!;
  }
}

/**
 * Rounds to `digits` decimal places (half away from zero for the magnitudes used here).
 * @example roundTo(21.4567, 1); // 21.5
 */
export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
