import type { Ticks } from "../kernel/ticks.js";

/** Sub-buckets per power of two: values below 2 * SUB are exact, others within 1/SUB. */
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
/** Enough buckets for any tick count up to 2^53. */
const BUCKETS = (53 - SUB_BITS + 1) * SUB;

/**
 * A log-linear histogram of durations in ticks, in fixed memory (about 48 KiB): values
 * below 256 ticks are kept exactly, larger ones in buckets of relative width at most
 * 1/128 (0.8%). Count, sum, minimum and maximum are exact.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sumTicks = 0;
  minTicks = Number.POSITIVE_INFINITY;
  maxTicks = 0;

  /** The largest error `percentile` can make, relative to the exact sample. */
  static readonly relativeError = 1 / SUB;

  record(ticks: Ticks): void {
    this.counts[bucketOf(ticks)]!++;
    this.count++;
    this.sumTicks += ticks;
    if (ticks < this.minTicks) this.minTicks = ticks;
    if (ticks > this.maxTicks) this.maxTicks = ticks;
  }

  /** Adds every sample of `other` (histograms of several sources, read as one). */
  add(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sumTicks += other.sumTicks;
    this.minTicks = Math.min(this.minTicks, other.minTicks);
    this.maxTicks = Math.max(this.maxTicks, other.maxTicks);
  }

  /** The mean, or undefined before the first sample. */
  mean(): number | undefined {
    return this.count === 0 ? undefined : this.sumTicks / this.count;
  }

  /**
   * The `q`-quantile (0 <= q <= 1) by nearest rank: the smallest recorded value with at
   * least ceil(q * count) samples at or below it, reported as the top of its bucket,
   * clamped to the recorded minimum and maximum. So it is exact below 256 ticks, for the
   * first rank (the minimum) and the last (the maximum), and otherwise at most 0.8% above
   * the exact sample. Undefined when nothing was recorded.
   */
  percentile(q: number): Ticks | undefined {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile: q = ${q} must be within [0, 1]`);
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (rank === 1) return this.minTicks;
    if (rank === this.count) return this.maxTicks;
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) {
        return Math.min(this.maxTicks, Math.max(this.minTicks, bucketTop(b)));
      }
    }
    return this.maxTicks;
  }
}

function bucketOf(ticks: Ticks): number {
  if (ticks < 2 * SUB) return ticks;
  const exponent =
    ticks < 0x1_0000_0000
      ? 31 - Math.clz32(ticks)
      : 63 - Math.clz32(Math.floor(ticks / 0x1_0000_0000));
  const shift = exponent - SUB_BITS;
  return shift * SUB + Math.floor(ticks / 2 ** shift);
}

function bucketTop(bucket: number): Ticks {
  if (bucket < 2 * SUB) return bucket;
  const shift = Math.floor(bucket / SUB) - 1;
  const mantissa = bucket - shift * SUB;
  return (mantissa + 1) * 2 ** shift - 1;
}
