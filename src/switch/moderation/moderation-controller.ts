import type { Adapter } from "../../driver/adapter.js";
import type { Statistics } from "../../driver/statistics.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import type { Timer } from "../../kernel/timer.js";
import type { ReceivePath } from "../receive-path.js";
import {
  type DimState,
  dimStep,
  initialDimState,
  type VectorSample,
} from "./adaptive-moderation.js";
import type { ResolvedModerationPolicy } from "./moderation-policy.js";

/** An interval the switch set on a vector. */
export interface ModerationChange {
  readonly atTicks: Ticks;
  readonly vector: number;
  readonly intervalUs: number;
}

/** Frames and bytes received. */
interface Received {
  frames: number;
  bytes: number;
}

/**
 * Sets each queue vector's interrupt moderation through the driver's set-moderation
 * request: a fixed interval on every vector as it comes into use, or, with the adaptive
 * policy, a net_dim-style climber per vector fed every sample period with the frames and
 * bytes the vector's queues received (as the receive path counted them) and the messages
 * it sent (from the driver's statistics).
 */
export class ModerationController {
  readonly changes: ModerationChange[] = [];
  private readonly adapter: Adapter;
  private readonly scheduler: Scheduler;
  private readonly policy: ResolvedModerationPolicy;
  private readonly periodTicks: Ticks;
  private readonly states = new Map<number, DimState>();
  private readonly lastMessages = new Map<number, number>();
  private readonly receive: ReceivePath;
  /** Each queue's received totals at the previous sample. */
  private lastFrames = new Float64Array(0);
  private lastBytes = new Float64Array(0);
  private lastTicks: Ticks = 0;
  private timer: Timer | null = null;

  constructor(parts: {
    adapter: Adapter;
    scheduler: Scheduler;
    policy: ResolvedModerationPolicy;
    receive: ReceivePath;
    periodTicks: Ticks;
  }) {
    this.adapter = parts.adapter;
    this.scheduler = parts.scheduler;
    this.policy = parts.policy;
    this.receive = parts.receive;
    this.periodTicks = parts.periodTicks;
  }

  start(): void {
    this.lastFrames = this.receive.framesByQueue.slice();
    this.lastBytes = this.receive.bytesByQueue.slice();
    this.lastTicks = this.scheduler.nowTicks;
    this.timer = this.scheduler.timer("vswitch.moderation", (now) => this.sample(now));
    this.sample(this.scheduler.nowTicks);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** The interval each vector runs with now. */
  intervals(): Map<number, number> {
    return new Map([...this.states].map(([v, s]) => [v, s.intervalUs]));
  }

  private sample(now: Ticks): void {
    this.timer?.scheduleAt(now + this.periodTicks);
    const stats = this.adapter.statisticsNow();
    if (stats === null) return;
    const elapsedTicks = now - this.lastTicks;
    this.lastTicks = now;
    const received = this.receivedByVector(stats);
    for (const { vector, messages } of stats.vectors) {
      const interrupts = messages - (this.lastMessages.get(vector) ?? messages);
      this.lastMessages.set(vector, messages);
      const r = received.get(vector);
      this.update(now, vector, {
        frames: r?.frames ?? 0,
        bytes: r?.bytes ?? 0,
        interrupts,
        elapsedTicks,
      });
    }
  }

  /**
   * What each vector's queues received since the previous sample, from the receive path's
   * per-queue counts. (Not the driver's per-queue statistics: those start again at zero
   * when a queue is freed and allocated anew, so a delta across that is not a count.)
   */
  private receivedByVector(stats: Statistics): Map<number, Received> {
    const byVector = new Map<number, Received>();
    const f = this.receive.framesByQueue;
    const b = this.receive.bytesByQueue;
    for (const q of stats.queues) {
      const sum = byVector.get(q.vector) ?? { frames: 0, bytes: 0 };
      sum.frames += (f[q.queue] ?? 0) - (this.lastFrames[q.queue] ?? 0);
      sum.bytes += (b[q.queue] ?? 0) - (this.lastBytes[q.queue] ?? 0);
      byVector.set(q.vector, sum);
    }
    this.lastFrames = f.slice();
    this.lastBytes = b.slice();
    return byVector;
  }

  private update(now: Ticks, vector: number, sample: VectorSample): void {
    const known = this.states.get(vector);
    const result = dimStep(known ?? initialDimState(this.policy), sample, this.policy);
    this.states.set(vector, result.state);
    if (known !== undefined && !result.changed) return;
    const intervalUs = result.intervalUs;
    void this.adapter.request({ kind: "set-moderation", vector, intervalUs });
    this.changes.push({ atTicks: now, vector, intervalUs });
  }
}
