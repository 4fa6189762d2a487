import { FCS_BYTES, WIRE_OVERHEAD_BYTES } from "../../hw/mac/wire-timing.js";
import { issueText } from "./decode.js";

/** Bytes a frame takes on the wire beyond its own: FCS, preamble, delimiter, gap. */
export const PER_FRAME_WIRE_BYTES = FCS_BYTES + WIRE_OVERHEAD_BYTES;

/** One phase of a flow from the wire, while its VM is there. */
export interface WireLoad {
  /** Path of the phase in the file, e.g. `traffic.flows[0].phases[1]`. */
  readonly path: string;
  /** Which rate key the file gave (the message names it). */
  readonly givenAs: "rateGbps" | "framesPerSecond";
  readonly given: number;
  readonly fromMs: number;
  readonly untilMs: number;
  readonly framesPerSecond: number;
  readonly frameBytes: number;
}

/** Bits per second a phase takes on the wire, per-frame overhead included. */
export function wireBitsPerSecond(load: Pick<WireLoad, "framesPerSecond" | "frameBytes">): number {
  return load.framesPerSecond * (load.frameBytes + PER_FRAME_WIRE_BYTES) * 8;
}

/** Rounds for messages: at most 3 decimals. */
function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Issues for every stretch of time in which the flows from the wire need more than the
 * link carries: frames cross the wire one after another, so their wire time (frame, FCS,
 * preamble and gap) adds up across flows. A single flow over the line is named by its
 * rate field; several flows together by the stretch and their shares.
 */
export function lineRateIssues(loads: readonly WireLoad[], linkGbps: number): string[] {
  const capacity = linkGbps * 1e9;
  const bounds = [...new Set(loads.flatMap((l) => [l.fromMs, l.untilMs]))].sort((a, b) => a - b);
  const issues: string[] = [];
  const reported = new Set<string>();
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i]!;
    const until = bounds[i + 1]!;
    const active = loads.filter((l) => l.fromMs <= from && l.untilMs >= until && until > from);
    const total = active.reduce((s, l) => s + wireBitsPerSecond(l), 0);
    // A hair of tolerance: a rate given as exactly the line rate must pass.
    if (total <= capacity * (1 + 1e-9)) continue;
    const key = active.map((l) => l.path).join(",");
    if (reported.has(key)) continue;
    reported.add(key);
    issues.push(
      active.length === 1
        ? singleIssue(active[0]!, linkGbps)
        : sharedIssue(active, from, until, total, linkGbps),
    );
  }
  return issues;
}

function singleIssue(l: WireLoad, linkGbps: number): string {
  const maxFps = (linkGbps * 1e9) / ((l.frameBytes + PER_FRAME_WIRE_BYTES) * 8);
  const limit =
    l.givenAs === "rateGbps"
      ? `at most ${round((maxFps * l.frameBytes * 8) / 1e9)} Gb/s`
      : `at most ${Math.floor(maxFps)} frames per second`;
  return issueText(
    `${l.path}.${l.givenAs}`,
    String(l.given),
    `${limit}: ${l.frameBytes} B frames on a ${linkGbps} Gb/s link (each frame also takes ` +
      `${PER_FRAME_WIRE_BYTES} B of FCS, preamble and inter-frame gap on the wire)`,
  );
}

function sharedIssue(
  active: readonly WireLoad[],
  from: number,
  until: number,
  total: number,
  linkGbps: number,
): string {
  const shares = active.map((l) => `${l.path} ${round(wireBitsPerSecond(l) / 1e9)}`).join(", ");
  return issueText(
    "traffic.flows",
    `from ${round(from)} ms to ${round(until)} ms the flows from the wire need ${round(total / 1e9)} Gb/s of wire time (${shares})`,
    `at most the link's ${linkGbps} Gb/s (wire time counts ${PER_FRAME_WIRE_BYTES} B of FCS, preamble and gap per frame)`,
  );
}
