import type { Ticks } from "../../../kernel/ticks.js";
import { formatMs } from "../../format.js";
import { AXIS_HEIGHT, CHART_WIDTH, PLOT_LEFT, PLOT_TOP } from "../layout.js";
import { processorColor } from "../palette.js";
import { rect, svg, text } from "../svg.js";
import type { Period, TimeScale } from "../timeline.js";

const STRIP_HEIGHT = 16;
const STRIP_GAP = 4;

/** A stretch of time one queue spent on one processor. */
interface Stay {
  readonly queue: number;
  readonly processor: number;
  readonly startTicks: Ticks;
  readonly endTicks: Ticks;
}

/**
 * Which processor each queue sat on over the run: one strip per queue, coloured by the
 * processor whose DPC owned it; a gap where the queue was not in use.
 */
export function queueChart(
  policy: string,
  periods: readonly Period[],
  scale: TimeScale,
  durationTicks: number,
): string {
  const queues = queuesSeen(periods);
  const bottom = PLOT_TOP + Math.max(1, queues.length) * (STRIP_HEIGHT + STRIP_GAP);
  const top = (row: number) => PLOT_TOP + row * (STRIP_HEIGHT + STRIP_GAP);
  const body = queues.map((_, row) =>
    rect(scale.left, top(row), scale.width, STRIP_HEIGHT, "#f4f4f4"),
  );
  body.push(...scale.grid(PLOT_TOP, bottom));
  queues.forEach((queue, row) => {
    body.push(text(PLOT_LEFT - 6, top(row) + STRIP_HEIGHT / 2 + 4, `q${queue}`, "end", "label"));
    for (const stay of staysOf(queue, periods))
      body.push(...stayBar(policy, stay, scale, top(row)));
  });
  if (queues.length === 0) {
    body.push(text(scale.left + 4, PLOT_TOP + 12, "no queue was in use", "start", "note"));
  }
  body.push(...scale.trafficEnd(durationTicks, PLOT_TOP, bottom));
  body.push(...scale.axis(bottom));
  return svg(CHART_WIDTH, bottom + AXIS_HEIGHT, `queue placement over time, ${policy}`, body);
}

function stayBar(policy: string, stay: Stay, scale: TimeScale, top: number): string[] {
  const x0 = scale.x(stay.startTicks);
  const width = scale.x(stay.endTicks) - x0;
  const from = formatMs(scale.msSinceStart(stay.startTicks));
  const to = formatMs(scale.msSinceStart(stay.endTicks));
  const title = `${policy}: q${stay.queue} on cpu${stay.processor} from ${from} to ${to}`;
  const parts = [rect(x0, top, width, STRIP_HEIGHT, processorColor(stay.processor), title)];
  if (width >= 34) {
    parts.push(text(x0 + 4, top + STRIP_HEIGHT / 2 + 4, `cpu${stay.processor}`, "start", "inbar"));
  }
  return parts;
}

/** Every queue any period shows, in order. */
export function queuesSeen(periods: readonly Period[]): number[] {
  const seen = new Set<number>();
  for (const p of periods) for (const q of Object.keys(p.queueProcessor)) seen.add(Number(q));
  return [...seen].sort((a, b) => a - b);
}

/** The queue's placement as runs of consecutive periods on the same processor. */
export function staysOf(queue: number, periods: readonly Period[]): Stay[] {
  const stays: Stay[] = [];
  let open: { processor: number; startTicks: Ticks; endTicks: Ticks } | null = null;
  for (const p of periods) {
    const processor = p.queueProcessor[queue];
    if (open !== null && processor === open.processor && p.startTicks === open.endTicks) {
      open.endTicks = p.endTicks;
      continue;
    }
    if (open !== null) stays.push({ queue, ...open });
    open =
      processor === undefined
        ? null
        : { processor, startTicks: p.startTicks, endTicks: p.endTicks };
  }
  if (open !== null) stays.push({ queue, ...open });
  return stays;
}
