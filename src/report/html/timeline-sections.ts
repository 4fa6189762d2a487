import { legend, perPolicy, processorLegend, type Run, section } from "./blocks.js";
import { queueChart } from "./charts/queue-chart.js";
import { type RateSeries, rateChart, ratePerSecond } from "./charts/rate-chart.js";
import { utilizationChart } from "./charts/utilization-chart.js";
import { KIND_COLORS, processorColor, seriesColor } from "./palette.js";
import type { Period, TimeScale } from "./timeline.js";

/** The sections with charts over time; every run is drawn on the same time scale. */
export function timelineSections(runs: readonly Run[], scale: TimeScale): string[] {
  return [
    utilizationSection(runs, scale),
    queueSection(runs, scale),
    interruptSection(runs, scale),
    dropSection(runs, scale),
  ];
}

function noSamples(run: Run): string | null {
  return run.periods.length === 0 ? '<p class="note">This run has no samples.</p>' : null;
}

function utilizationSection(runs: readonly Run[], scale: TimeScale): string {
  const body = perPolicy("utilisation", runs, (run) => {
    const n = run.summary.processorUtilization.length;
    const { policy, durationTicks } = run.summary;
    return noSamples(run) ?? utilizationChart(policy, n, run.periods, scale, durationTicks);
  });
  const key = legend([
    ["ISR (with interrupt entry)", KIND_COLORS.isr],
    ["DPC (driver receive, transmit, copy)", KIND_COLORS.dpc],
    ["virtual switch", KIND_COLORS.switch],
  ]);
  const explain =
    "Each strip is one processor, 0 to 100 % busy in each sample period; time runs from the " +
    "start of the scenario. After the dashed line the generators have stopped and the run drains.";
  return section("Processor utilisation over time", explain, key + body);
}

function queueSection(runs: readonly Run[], scale: TimeScale): string {
  const body = perPolicy("queues", runs, (run) => {
    const { policy, durationTicks } = run.summary;
    return noSamples(run) ?? queueChart(policy, run.periods, scale, durationTicks);
  });
  const explain =
    "Each strip is one hardware receive queue, coloured by the processor whose DPC owned it " +
    "at the end of each sample period; a gap means the queue was not in use.";
  return section("Queue placement over time", explain, processorLegend(runs) + body);
}

function interruptSection(runs: readonly Run[], scale: TimeScale): string {
  const count = (cpu: number) => (p: Period) => p.processors[cpu]?.interrupts ?? 0;
  const max = maxRate(runs, (run) => run.summary.processorUtilization.map((_, cpu) => count(cpu)));
  const body = perPolicy("interrupts", runs, (run) => {
    const series: RateSeries[] = run.summary.processorUtilization.map((_, cpu) => ({
      name: `cpu${cpu}`,
      color: processorColor(cpu),
      count: count(cpu),
    }));
    const { policy, durationTicks } = run.summary;
    const label = `interrupts per second, ${policy}`;
    return noSamples(run) ?? rateChart(label, series, run.periods, scale, durationTicks, max);
  });
  const explain = "Interrupts each processor took, per second of simulated time, on one scale.";
  return section("Interrupts over time", explain, processorLegend(runs) + body);
}

function dropSection(runs: readonly Run[], scale: TimeScale): string {
  const reasons = [
    ...new Set(runs.flatMap((r) => r.periods.flatMap((p) => Object.keys(p.drops)))),
  ].sort();
  const count = (reason: string) => (p: Period) => p.drops[reason] ?? 0;
  const max = maxRate(runs, () => reasons.map(count));
  const body = perPolicy("drops", runs, (run) => {
    const series = reasons.map((reason, i) => ({
      name: reason,
      color: seriesColor(i),
      count: count(reason),
    }));
    const { policy, durationTicks } = run.summary;
    const label = `drops per second, ${policy}`;
    return noSamples(run) ?? rateChart(label, series, run.periods, scale, durationTicks, max);
  });
  const key = legend(reasons.map((r, i) => [r, seriesColor(i)] as const));
  const explain = "Frames dropped per second of simulated time, by reason, on one scale.";
  return section("Drops over time", explain, (reasons.length > 0 ? key : "") + body);
}

/** The highest rate any series of any run reaches, so every run's chart shares a scale. */
function maxRate(runs: readonly Run[], seriesOf: (run: Run) => ((p: Period) => number)[]): number {
  let max = 0;
  for (const run of runs) {
    for (const count of seriesOf(run)) {
      for (const p of run.periods) max = Math.max(max, ratePerSecond(count(p), p));
    }
  }
  return max;
}
