import { TICKS_PER_SECOND } from "../../../kernel/ticks.js";
import { formatDecimal } from "../../format.js";
import { AXIS_HEIGHT, CHART_WIDTH, PLOT_LEFT, PLOT_TOP } from "../layout.js";
import { line, type Point, polyline, svg, text } from "../svg.js";
import { niceStep, type Period, type TimeScale } from "../timeline.js";

const PLOT_HEIGHT = 130;

/** One line of a rate chart: a count per period, drawn as a rate per second. */
export interface RateSeries {
  readonly name: string;
  readonly color: string;
  readonly count: (period: Period) => number;
}

/**
 * Step lines of events per second over the run (interrupts per processor, drops per
 * reason). `maxPerSecond` fixes the vertical scale so the policies compare at a glance.
 */
export function rateChart(
  label: string,
  series: readonly RateSeries[],
  periods: readonly Period[],
  scale: TimeScale,
  durationTicks: number,
  maxPerSecond: number,
): string {
  const bottom = PLOT_TOP + PLOT_HEIGHT;
  const step = niceStep(Math.max(maxPerSecond, 1) / 4);
  const top = Math.max(step, Math.ceil(Math.max(maxPerSecond, 1) / step) * step);
  const y = (perSecond: number) => bottom - (perSecond / top) * PLOT_HEIGHT;
  const body = scale.grid(PLOT_TOP, bottom);
  for (let i = 0; i * step <= top + step / 2; i++) {
    const v = i * step;
    body.push(line(scale.left, y(v), scale.left + scale.width, y(v), "grid"));
    body.push(text(PLOT_LEFT - 6, y(v) + 4, compact(v), "end", "tick"));
  }
  for (const s of series) {
    const points: Point[] = [];
    for (const p of periods) {
      const v = y(ratePerSecond(s.count(p), p));
      points.push({ x: scale.x(p.startTicks), y: v }, { x: scale.x(p.endTicks), y: v });
    }
    if (points.length > 0) body.push(polyline(points, s.color, `${label}: ${s.name}`));
  }
  body.push(...scale.trafficEnd(durationTicks, PLOT_TOP, bottom));
  body.push(...scale.axis(bottom));
  return svg(CHART_WIDTH, bottom + AXIS_HEIGHT, label, body);
}

/** A period's count as a rate per simulated second. */
export function ratePerSecond(count: number, period: Period): number {
  const seconds = (period.endTicks - period.startTicks) / TICKS_PER_SECOND;
  return seconds > 0 ? count / seconds : 0;
}

/** 1500 -> "1.5k", 2000000 -> "2M": axis labels stay narrow. */
function compact(n: number): string {
  if (n >= 1e6) return `${formatDecimal(n / 1e6, n % 1e6 === 0 ? 0 : 1)}M`;
  if (n >= 1e3) return `${formatDecimal(n / 1e3, n % 1e3 === 0 ? 0 : 1)}k`;
  return formatDecimal(n, n % 1 === 0 ? 0 : 1);
}
