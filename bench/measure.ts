/** One benchmark's outcome. */
export interface BenchResult {
  readonly name: string;
  /** What `perSecond` counts, per wall-clock second ("frames/s", "events/s"...). */
  readonly unit: string;
  readonly perSecond: number;
  /** Wall seconds per simulated second (below 1: faster than real time). */
  readonly slowdown?: number;
  /** A note printed after the figures. */
  readonly note?: string;
}

/** Runs `fn` and returns the wall-clock seconds it took with what it returned. */
export function timed<T>(fn: () => T): { seconds: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/** One aligned line of the bench table. */
export function formatResult(result: BenchResult): string {
  const rate = `${(result.perSecond / 1e6).toFixed(2)} M ${result.unit}`;
  const slowdown = result.slowdown === undefined ? "" : `  slowdown ${result.slowdown.toFixed(2)}x`;
  const note = result.note === undefined ? "" : `  (${result.note})`;
  return `${result.name.padEnd(46)} ${rate.padStart(22)}${slowdown}${note}`;
}
