import { TICKS_PER_SECOND, type Ticks } from "../../kernel/ticks.js";

/** A stretch of time during which a flow sends at one rate and frame size. */
export interface TrafficPhase {
  readonly fromTicks: Ticks;
  /** End (exclusive); Infinity for "until the run ends". */
  readonly toTicks: Ticks;
  /** Frames per second over the phase, bursts included (0: silent). */
  readonly framesPerSecond: number;
  /** Bytes per frame, FCS excluded. */
  readonly frameBytes: number;
  /** Frames sent back to back at each emission (default 1): the average rate is kept. */
  readonly burstFrames?: number;
}

/**
 * When a flow emits next, and how many frames: phases in time order, emissions spaced by
 * `burstFrames / framesPerSecond`, with the fractional tick carried so that a long run
 * keeps the exact average rate.
 */
export class RateSchedule {
  private readonly phases: readonly TrafficPhase[];
  private exactNext = 0;

  constructor(phases: readonly TrafficPhase[]) {
    this.phases = [...phases].sort((a, b) => a.fromTicks - b.fromTicks);
  }

  /** The phase in force at `t`, or undefined. */
  phaseAt(t: Ticks): TrafficPhase | undefined {
    for (const p of this.phases)
      if (t >= p.fromTicks && t < p.toTicks && p.framesPerSecond > 0) return p;
    return undefined;
  }

  /** The first emission tick at or after `t`, or undefined when no phase sends again. */
  firstEmissionFrom(t: Ticks): Ticks | undefined {
    for (const p of this.phases) {
      if (p.framesPerSecond <= 0 || p.toTicks <= t) continue;
      const at = Math.max(t, p.fromTicks);
      this.exactNext = at;
      return at;
    }
    return undefined;
  }

  /** After an emission in `phase` at `t`: the next emission tick, or undefined. */
  nextAfter(phase: TrafficPhase, t: Ticks): Ticks | undefined {
    const gap = ((phase.burstFrames ?? 1) * TICKS_PER_SECOND) / phase.framesPerSecond;
    this.exactNext = Math.max(this.exactNext, t - 1) + gap;
    const next = Math.max(t + 1, Math.round(this.exactNext));
    if (next < phase.toTicks) return next;
    return this.firstEmissionFrom(phase.toTicks);
  }
}
