import type { Adapter } from "../../driver/adapter.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import type { Timer } from "../../kernel/timer.js";
import type { ReceivePath } from "../receive-path.js";
import { type DimState, dimStep, initialDimState } from "./adaptive-moderation.js";
import type { ModerationPolicy } from "./moderation-policy.js";

/** An interval the switch set on a vector. */
export interface ModerationChange {
  readonly atTicks: Ticks;
  readonly vector: number;
  readonly intervalUs: number;
}

/**
 * Sets each queue vector's interrupt moderation through the driver's set-moderation
 * request: a fixed interval on every vector as it comes into use, or, with the adaptive
 * policy, a net_dim-style climber per vector fed every sample period with the frames and
 * bytes of the queues the vector serves and the messages it sent.
 */
export class ModerationController {
  readonly changes: ModerationChange[] = [];
  private readonly adapter: Adapter;
  private readonly scheduler: Scheduler;
  private readonly policy: ModerationPolicy;
  private readonly receive: ReceivePath;
  private readonly periodTicks: Ticks;
  private readonly states = new Map<number, DimState>();
  private readonly lastMessages = new Map<number, number>();
  private lastFrames = new Float64Array(0);
  private lastBytes = new Float64Array(0);
  private lastTicks: Ticks = 0;
  private timer: Timer | null = null;

  constructor(parts: {
    adapter: Adapter;
    scheduler: Scheduler;
    policy: ModerationPolicy;
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
    const frames = new Map<number, number>();
    const bytes = new Map<number, number>();
    const f = this.receive.framesByQueue;
    const b = this.receive.bytesByQueue;
    for (const q of stats.queues) {
      const newFrames = (f[q.queue] ?? 0) - (this.lastFrames[q.queue] ?? 0);
      const newBytes = (b[q.queue] ?? 0) - (this.lastBytes[q.queue] ?? 0);
      frames.set(q.vector, (frames.get(q.vector) ?? 0) + newFrames);
      bytes.set(q.vector, (bytes.get(q.vector) ?? 0) + newBytes);
    }
    this.lastFrames = f.slice();
    this.lastBytes = b.slice();
    for (const { vector, messages } of stats.vectors) {
      const interrupts = messages - (this.lastMessages.get(vector) ?? messages);
      this.lastMessages.set(vector, messages);
      this.update(now, vector, {
        frames: frames.get(vector) ?? 0,
        bytes: bytes.get(vector) ?? 0,
        interrupts,
        elapsedTicks,
      });
    }
  }

  private update(
    now: Ticks,
    vector: number,
    sample: { frames: number; bytes: number; interrupts: number; elapsedTicks: number },
  ): void {
    const known = this.states.get(vector);
    const result = dimStep(known ?? initialDimState(this.policy), sample, this.policy);
    this.states.set(vector, result.state);
    if (known !== undefined && !result.changed) return;
    const intervalUs = result.intervalUs;
    void this.adapter.request({ kind: "set-moderation", vector, intervalUs });
    this.changes.push({ atTicks: now, vector, intervalUs });
  }
}
