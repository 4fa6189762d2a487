import type { Ticks } from "./ticks.js";
import { TICKS_PER_SECOND } from "./ticks.js";

/**
 * A clock domain: a named clock whose rising edges fall at exact tick positions.
 *
 * The period is held as a reduced fraction `periodNum / periodDen` ticks, so a clock
 * whose period is not a whole number of picoseconds (3 GHz: 1000/3 ps) never drifts:
 * edge `n` is always `floor(n * periodNum / periodDen)`, computed from `n` directly,
 * never by adding a rounded period over and over. Every clock's edge 0 is tick 0.
 *
 * @example
 * const cpu = ClockDomain.fromHz("cpu0", 3_000_000_000);
 * cpu.edgeTick(3); // 1000: three cycles of 333.33 ps land exactly on 1 ns
 */
export class ClockDomain {
  readonly name: string;
  /** Numerator of the period in ticks (reduced). */
  readonly periodNum: number;
  /** Denominator of the period in ticks (reduced). */
  readonly periodDen: number;

  private constructor(name: string, periodNum: number, periodDen: number) {
    if (!Number.isSafeInteger(periodNum) || !Number.isSafeInteger(periodDen)) {
      throw new RangeError(`clock ${name}: period ${periodNum}/${periodDen} must be integers`);
    }
    if (periodNum <= 0 || periodDen <= 0) {
      throw new RangeError(`clock ${name}: period ${periodNum}/${periodDen} must be positive`);
    }
    const g = gcd(periodNum, periodDen);
    this.name = name;
    this.periodNum = periodNum / g;
    this.periodDen = periodDen / g;
    // The exact arithmetic below multiplies a remainder (< num) by den, or (< den) by num.
    if (this.periodNum * this.periodDen > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(
        `clock ${name}: period ${this.periodNum}/${this.periodDen} ps is too fine to hold exactly; ` +
          "give the frequency with fewer significant digits",
      );
    }
  }

  /** A clock of `hz` cycles per second (an integer number of hertz). */
  static fromHz(name: string, hz: number): ClockDomain {
    if (!Number.isSafeInteger(hz) || hz <= 0) {
      throw new RangeError(`clock ${name}: frequency ${hz} Hz must be a positive integer`);
    }
    return new ClockDomain(name, TICKS_PER_SECOND, hz);
  }

  /** A clock whose period is `num / den` ticks (default `den` = 1). */
  static fromPeriod(name: string, num: Ticks, den = 1): ClockDomain {
    return new ClockDomain(name, num, den);
  }

  /** The clock frequency in hertz (may be fractional). */
  get hz(): number {
    return (TICKS_PER_SECOND * this.periodDen) / this.periodNum;
  }

  /** The period in ticks, as a possibly fractional number (for display and rates). */
  get periodTicks(): number {
    return this.periodNum / this.periodDen;
  }

  /** The tick of rising edge `cycle` (cycle 0 is tick 0). */
  edgeTick(cycle: number): Ticks {
    const q = Math.floor(cycle / this.periodDen);
    const r = cycle - q * this.periodDen;
    return q * this.periodNum + Math.floor((r * this.periodNum) / this.periodDen);
  }

  /** The number of the last edge at or before `tick`. */
  cycleAtOrBefore(tick: Ticks): number {
    // Largest n with floor(n * num / den) <= tick, i.e. n * num < (tick + 1) * den.
    const a = tick + 1;
    const q = Math.floor(a / this.periodNum);
    const r = a - q * this.periodNum;
    return q * this.periodDen + Math.floor((r * this.periodDen - 1) / this.periodNum);
  }

  /** The first edge strictly after `tick`. */
  nextEdgeAfter(tick: Ticks): Ticks {
    return this.edgeTick(this.cycleAtOrBefore(tick) + 1);
  }

  /** `tick` itself if it is an edge, else the next edge. */
  edgeAtOrAfter(tick: Ticks): Ticks {
    if (this.periodDen === 1) return Math.ceil(tick / this.periodNum) * this.periodNum;
    const cycle = this.cycleAtOrBefore(tick);
    const edge = this.edgeTick(cycle);
    return edge === tick ? tick : this.edgeTick(cycle + 1);
  }

  /** The edge `cycles` cycles after the last edge at or before `tick`. */
  edgeAfterCycles(tick: Ticks, cycles: number): Ticks {
    return this.edgeTick(this.cycleAtOrBefore(tick) + cycles);
  }
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}
