import { AXIS_HEIGHT, CHART_WIDTH, PLOT_LEFT, PLOT_TOP } from "../layout.js";
import { KIND_COLORS } from "../palette.js";
import { type Point, polygon, rect, svg, text } from "../svg.js";
import type { Period, TimeScale } from "../timeline.js";

const STRIP_HEIGHT = 30;
const STRIP_GAP = 6;
const KINDS = ["isr", "dpc", "switch"] as const;
const KIND_NAMES = { isr: "ISR", dpc: "DPC", switch: "switch" } as const;

/**
 * Where each processor's time went over the run: one strip per processor, 0 to 100 %,
 * stacked ISR (with interrupt entry), DPC (driver receive, transmit, copy) and switch.
 */
export function utilizationChart(
  policy: string,
  processors: number,
  periods: readonly Period[],
  scale: TimeScale,
  durationTicks: number,
): string {
  const bottom = PLOT_TOP + processors * (STRIP_HEIGHT + STRIP_GAP);
  const tops = Array.from(
    { length: processors },
    (_, cpu) => PLOT_TOP + cpu * (STRIP_HEIGHT + STRIP_GAP),
  );
  // Back to front: strip backgrounds, gridlines, the bands, then labels and the axis.
  const body = tops.map((top) => rect(scale.left, top, scale.width, STRIP_HEIGHT, "#f4f4f4"));
  body.push(...scale.grid(PLOT_TOP, bottom));
  tops.forEach((top, cpu) => {
    body.push(...strip(policy, cpu, periods, scale, top));
    body.push(text(PLOT_LEFT - 6, top + STRIP_HEIGHT / 2 + 4, `cpu${cpu}`, "end", "label"));
  });
  body.push(...scale.trafficEnd(durationTicks, PLOT_TOP, bottom));
  body.push(...scale.axis(bottom));
  return svg(CHART_WIDTH, bottom + AXIS_HEIGHT, `processor utilisation over time, ${policy}`, body);
}

/** The stacked bands of one processor's strip; bands that stay at zero are left out. */
function strip(
  policy: string,
  cpu: number,
  periods: readonly Period[],
  scale: TimeScale,
  top: number,
): string[] {
  const y = (share: number) => top + STRIP_HEIGHT * (1 - Math.min(1, Math.max(0, share)));
  const bands: string[] = [];
  const below = periods.map(() => 0);
  for (const kind of KINDS) {
    const upper: Point[] = [];
    const lower: Point[] = [];
    let any = false;
    periods.forEach((p, i) => {
      const share = p.processors[cpu]?.[kind] ?? 0;
      if (share > 0) any = true;
      const x0 = scale.x(p.startTicks);
      const x1 = scale.x(p.endTicks);
      upper.push({ x: x0, y: y(below[i]! + share) }, { x: x1, y: y(below[i]! + share) });
      lower.push({ x: x0, y: y(below[i]!) }, { x: x1, y: y(below[i]!) });
      below[i] = below[i]! + share;
    });
    if (!any) continue;
    const title = `${policy}: cpu${cpu} ${KIND_NAMES[kind]} time`;
    bands.push(polygon([...upper, ...lower.reverse()], KIND_COLORS[kind], title));
  }
  return bands;
}
