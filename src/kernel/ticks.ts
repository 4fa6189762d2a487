/**
 * Simulated time. One tick is one picosecond, as in gem5: fine enough that every
 * clock the model needs (a 10 Gb/s wire bit is 100 ticks, a 3 GHz core cycle is
 * 333.33 ticks) is represented without rounding error accumulating, and a plain JS
 * number holds 2^53 ticks, about 2.5 simulated hours, exactly.
 *
 * Units are carried in names (`atTicks`, `periodTicks`, `delayNs`), not in the type
 * system, so the hot path pays nothing for them.
 */

/** A point in simulated time or a duration, in picoseconds. Always an integer. */
export type Ticks = number;

export const TICKS_PER_PS = 1;
export const TICKS_PER_NS = 1_000;
export const TICKS_PER_US = 1_000_000;
export const TICKS_PER_MS = 1_000_000_000;
export const TICKS_PER_SECOND = 1_000_000_000_000;

/**
 * The first value of an object field that holds ticks; the constructor then stores the real
 * one. V8 holds a field whose first value is a small integer (such as 0) as a small integer;
 * when the value passes 2^31 - 1 (2.1 ms of simulated time) it has to re-shape every object
 * of the class and throws away all the optimised code that used them (measured: about 35 ms
 * of wall time lost at 2.1 ms simulated in the NIC receive bench, a tenth of its run). A
 * field whose first value is fractional is held as a double from the start.
 */
export const DOUBLE_FIELD_SEED = 0.5;

/** The last tick a JS number holds exactly. */
export const MAX_TICKS: Ticks = Number.MAX_SAFE_INTEGER;

/** Converts nanoseconds (possibly fractional) to whole ticks, rounding to nearest. */
export function nsToTicks(ns: number): Ticks {
  return Math.round(ns * TICKS_PER_NS);
}

/** Converts microseconds (possibly fractional) to whole ticks, rounding to nearest. */
export function usToTicks(us: number): Ticks {
  return Math.round(us * TICKS_PER_US);
}

/** Converts milliseconds (possibly fractional) to whole ticks, rounding to nearest. */
export function msToTicks(ms: number): Ticks {
  return Math.round(ms * TICKS_PER_MS);
}

/** Converts ticks to nanoseconds (fractional). */
export function ticksToNs(ticks: Ticks): number {
  return ticks / TICKS_PER_NS;
}

/** Converts ticks to seconds (fractional). */
export function ticksToSeconds(ticks: Ticks): number {
  return ticks / TICKS_PER_SECOND;
}

/** True when `value` is a tick count the model can hold exactly. */
export function isValidTicks(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Formats a tick count for humans: `12.345 us`, `3 ns`, `1.5 ms`. */
export function formatTicks(ticks: Ticks): string {
  const units: [number, string][] = [
    [TICKS_PER_SECOND, "s"],
    [TICKS_PER_MS, "ms"],
    [TICKS_PER_US, "us"],
    [TICKS_PER_NS, "ns"],
  ];
  const abs = Math.abs(ticks);
  for (let i = 0; i < units.length; i++) {
    const [scale, name] = units[i]!;
    if (abs < scale) continue;
    const value = Number((ticks / scale).toFixed(3));
    // Rounding up to 1000 of a unit reads better as 1 of the next: "1 ms", not "1000 us".
    const bigger = units[i - 1];
    if (Math.abs(value) >= 1000 && bigger !== undefined) {
      return `${Number((ticks / bigger[0]).toFixed(3))} ${bigger[1]}`;
    }
    return `${value} ${name}`;
  }
  return `${ticks} ps`;
}
