import { TICKS_PER_MS, type Ticks } from "../../kernel/ticks.js";
import type { ProcessorSample, Sample } from "../../sim/metrics/metrics-sampler.js";
import { formatMs } from "../format.js";
import { line, text } from "./svg.js";

/** One sample period: what the sampler saw between `startTicks` and `endTicks`. */
export interface Period {
  readonly startTicks: Ticks;
  readonly endTicks: Ticks;
  readonly processors: readonly ProcessorSample[];
  readonly queueProcessor: Readonly<Record<number, number>>;
  /** Frames dropped during the period, by reason. */
  readonly drops: Readonly<Record<string, number>>;
}

/**
 * The samples as periods. Each sample closes a period that began at the previous
 * sample; the first one is taken to be as long as the second.
 */
export function periodsOf(samples: readonly Sample[]): Period[] {
  return samples.map((s, i) => {
    const prev = samples[i - 1];
    const next = samples[i + 1];
    const guess = next !== undefined ? next.atTicks - s.atTicks : s.atTicks;
    const startTicks = prev !== undefined ? prev.atTicks : Math.max(0, s.atTicks - guess);
    return {
      startTicks,
      endTicks: s.atTicks,
      processors: s.processors,
      queueProcessor: s.queueProcessor,
      drops: s.drops,
    };
  });
}

/**
 * Merges runs of periods so that at most `max` remain: shares become time-weighted
 * means, interrupts and drops sums, and the queue placement is the last one seen. Long
 * runs would otherwise put thousands of points in every line.
 */
export function mergePeriods(periods: readonly Period[], max: number): Period[] {
  if (periods.length <= max) return [...periods];
  const size = Math.ceil(periods.length / max);
  const merged: Period[] = [];
  for (let i = 0; i < periods.length; i += size) merged.push(mergeRun(periods.slice(i, i + size)));
  return merged;
}

function mergeRun(run: readonly Period[]): Period {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const total = last.endTicks - first.startTicks;
  const weight = (p: Period) => (total > 0 ? (p.endTicks - p.startTicks) / total : 1 / run.length);
  const processors = first.processors.map((_, cpu) => {
    const mean = (pick: (s: ProcessorSample) => number) =>
      run.reduce(
        (sum, p) => sum + (p.processors[cpu] ? pick(p.processors[cpu]) : 0) * weight(p),
        0,
      );
    return {
      isr: mean((s) => s.isr),
      dpc: mean((s) => s.dpc),
      switch: mean((s) => s.switch),
      interrupts: run.reduce((sum, p) => sum + (p.processors[cpu]?.interrupts ?? 0), 0),
    };
  });
  return {
    startTicks: first.startTicks,
    endTicks: last.endTicks,
    processors,
    queueProcessor: last.queueProcessor,
    drops: mergeDrops(run),
  };
}

function mergeDrops(run: readonly Period[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const p of run) {
    for (const [reason, n] of Object.entries(p.drops)) sum[reason] = (sum[reason] ?? 0) + n;
  }
  return sum;
}

/** A horizontal time scale shared by every timeline of one report, so runs line up. */
export class TimeScale {
  readonly startTicks: Ticks;
  readonly endTicks: Ticks;
  readonly left: number;
  readonly width: number;

  constructor(startTicks: Ticks, endTicks: Ticks, left: number, width: number) {
    this.startTicks = startTicks;
    this.endTicks = Math.max(endTicks, startTicks + 1);
    this.left = left;
    this.width = width;
  }

  x(ticks: Ticks): number {
    return this.left + ((ticks - this.startTicks) / (this.endTicks - this.startTicks)) * this.width;
  }

  /** Milliseconds from the start of the axis (the first sample period: the run's start). */
  msSinceStart(ticks: Ticks): number {
    return (ticks - this.startTicks) / TICKS_PER_MS;
  }

  /**
   * A dashed line `durationTicks` after the start, where the generators stopped and the
   * run began to drain, if that falls inside the chart.
   */
  trafficEnd(durationTicks: Ticks, top: number, bottom: number): string[] {
    const atTicks = this.startTicks + durationTicks;
    if (durationTicks <= 0 || atTicks >= this.endTicks) return [];
    const x = this.x(atTicks);
    return [line(x, top, x, bottom, "end"), text(x - 3, top + 9, "traffic stops", "end", "note")];
  }

  /** Faint vertical gridlines at the axis ticks, from `top` to `bottom`. */
  grid(top: number, bottom: number): string[] {
    return this.tickTimes().map((t) => line(this.x(t), top, this.x(t), bottom, "grid"));
  }

  /** The time axis along `y`: tick marks and labels in time since the start. */
  axis(y: number): string[] {
    const parts = [line(this.left, y, this.left + this.width, y, "axis")];
    for (const t of this.tickTimes()) {
      const x = this.x(t);
      parts.push(line(x, y, x, y + 4, "axis"));
      parts.push(text(x, y + 15, formatMs(roundStep(this.msSinceStart(t))), "middle", "tick"));
    }
    return parts;
  }

  /** Round times (1, 2 or 5 times a power of ten ms apart) from the start. */
  private tickTimes(): Ticks[] {
    const spanMs = this.msSinceStart(this.endTicks);
    const stepMs = niceStep(spanMs / 6);
    const times: Ticks[] = [];
    for (let i = 0; i * stepMs <= spanMs + 1e-9; i++) {
      times.push(this.startTicks + i * stepMs * TICKS_PER_MS);
    }
    return times;
  }
}

/** A step of 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Clears float noise from repeated additions (0.1 + 0.2). */
function roundStep(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
