import { produce } from "immer";
import type { Adapter } from "../../driver/adapter.js";
import type { DriverErrorKind } from "../../driver/requests.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import type { Timer } from "../../kernel/timer.js";
import {
  addQueue,
  type DynamicVmqState,
  dynamicVmqStep,
  initialDynamicVmqState,
  type QueueMoveReason,
  removeQueue,
  staticProcessorFor,
} from "../policy/dynamic-vmq.js";
import type { Port } from "../ports/port.js";
import type { ReceivePath } from "../receive-path.js";
import { LoadMonitor, type LoadSource } from "./load-monitor.js";
import type { ResolvedVmqOptions } from "./vmq-policy.js";

/** The default queue: always there, never freed (NDIS queue 0). */
export const DEFAULT_QUEUE = 0;

/** A queue move the switch asked for, and how it ended. */
export interface QueueMoveRecord {
  readonly atTicks: Ticks;
  readonly queue: number;
  readonly from: number;
  readonly to: number;
  readonly reason: QueueMoveReason | "home";
  /** The driver's error when it refused, else null. */
  error: DriverErrorKind | null;
  /** When the old processor's DPC handed the queue over, or null (pending or refused). */
  completedAtTicks: Ticks | null;
}

/** One dynamic VMQ step, for observation. */
export interface PolicyStepRecord {
  readonly atTicks: Ticks;
  readonly queueLoads: Readonly<Record<number, number>>;
  readonly otherLoads: Readonly<Record<number, number>>;
  readonly moves: number;
}

/**
 * The switch's VMQ side: asks the driver for a queue per vNIC (its MAC and VLAN as the
 * filter) while queues last, first come first served, frees it when the vNIC goes and
 * gives it to the longest-waiting vNIC; places each queue on a processor as the policy
 * says; and, under dynamic VMQ, measures every interval and moves queues through the
 * driver's set-queue-processor request.
 */
export class VmqManager {
  readonly moves: QueueMoveRecord[] = [];
  readonly steps: PolicyStepRecord[] = [];
  /** Allocation refusals by the driver's reason. */
  readonly allocationFailures = new Map<DriverErrorKind, number>();
  private readonly adapter: Adapter;
  private readonly scheduler: Scheduler;
  private readonly options: ResolvedVmqOptions;
  private readonly receive: ReceivePath;
  private readonly waiting: Port[] = [];
  private state: DynamicVmqState = initialDynamicVmqState();
  private allocations = 0;
  private queuesHeld = 0;
  private monitor: LoadMonitor | null = null;
  private timer: Timer | null = null;
  private readonly loadSource: LoadSource;

  constructor(parts: {
    adapter: Adapter;
    scheduler: Scheduler;
    options: ResolvedVmqOptions;
    receive: ReceivePath;
    loadSource: LoadSource;
  }) {
    this.adapter = parts.adapter;
    this.scheduler = parts.scheduler;
    this.options = parts.options;
    this.receive = parts.receive;
    this.loadSource = parts.loadSource;
  }

  get policy() {
    return this.options.policy;
  }

  /** The dynamic policy's state (immutable), for observation. */
  get dynamicState(): DynamicVmqState {
    return this.state;
  }

  /**
   * Puts the default queue on the home processor, and under dynamic VMQ starts the
   * measurement timer. Call once the adapter runs.
   */
  async start(): Promise<void> {
    const home = this.options.set.home;
    const info = this.adapter.queueInfo(DEFAULT_QUEUE);
    if (info !== undefined && info.affinity !== home) {
      await this.move(DEFAULT_QUEUE, info.affinity, home, "home");
    }
    if (this.options.policy !== "dynamic") return;
    this.state = addQueue(this.state, DEFAULT_QUEUE, home);
    this.monitor = new LoadMonitor(this.loadSource, this.scheduler.nowTicks);
    this.timer = this.scheduler.timer("vswitch.dynamic-vmq", (now) => this.step(now));
    this.timer.scheduleAt(this.scheduler.nowTicks + this.options.intervalTicks);
  }

  /** Stops the measurement timer. */
  stop(): void {
    this.timer?.cancel();
  }

  /** Gives `port` a queue if the policy uses them and one is left; else it waits. */
  async attach(port: Port): Promise<void> {
    if (this.options.policy === "none") return;
    if (this.queuesHeld >= this.options.maxQueues || !(await this.allocate(port))) {
      this.waiting.push(port);
    }
  }

  /** Frees `port`'s queue (if it had one) and hands a queue to the next waiting port. */
  async detach(port: Port): Promise<void> {
    const at = this.waiting.indexOf(port);
    if (at >= 0) this.waiting.splice(at, 1);
    const queue = port.queue;
    if (queue < 0) return;
    port.queue = -1;
    this.receive.queueOwner[queue] = undefined;
    this.state = removeQueue(this.state, queue);
    const outcome = await this.adapter.request({ kind: "free-queue", queue });
    if (!outcome.ok) this.countFailure(outcome.error.kind);
    this.queuesHeld--;
    await this.serveWaiting();
  }

  /** Queues the switch holds, each with the processor it was last asked to run on. */
  queueProcessors(): Map<number, number> {
    const out = new Map<number, number>();
    for (const queue of this.adapter.activeQueues()) {
      const info = this.adapter.queueInfo(queue);
      if (info !== undefined) out.set(queue, info.affinity);
    }
    return out;
  }

  private async serveWaiting(): Promise<void> {
    while (this.waiting.length > 0 && this.queuesHeld < this.options.maxQueues) {
      const port = this.waiting[0]!;
      if (!(await this.allocate(port))) return;
      this.waiting.shift();
    }
  }

  /** Asks the driver for a queue steering `port`'s address; false when none was given. */
  private async allocate(port: Port): Promise<boolean> {
    const processor =
      this.options.policy === "static"
        ? staticProcessorFor(this.options.set, this.allocations)
        : this.options.set.home;
    const request = {
      kind: "allocate-queue" as const,
      mac: port.mac,
      processor,
      ...(port.vlan !== 0 ? { vlan: port.vlan } : {}),
    };
    const outcome = await this.adapter.request(request);
    if (!outcome.ok) {
      this.countFailure(outcome.error.kind);
      return false;
    }
    if (!port.active) {
      await this.adapter.request({ kind: "free-queue", queue: outcome.value.queue });
      return true;
    }
    this.allocations++;
    this.queuesHeld++;
    const queue = outcome.value.queue;
    port.queue = queue;
    this.receive.queueOwner[queue] = port;
    if (this.options.policy === "dynamic") this.state = addQueue(this.state, queue, processor);
    return true;
  }

  /** One dynamic VMQ interval: measure, decide (pure), move. */
  private step(now: Ticks): void {
    this.timer?.scheduleAt(now + this.options.intervalTicks);
    const monitor = this.monitor;
    if (monitor === null) return;
    const placed = new Map<number, number>();
    for (const [key, q] of Object.entries(this.state.queues)) placed.set(Number(key), q.processor);
    const measured = monitor.measure(now, placed, this.options.set.processors);
    const result = dynamicVmqStep(this.state, measured, this.options.set, this.options.dynamic);
    this.state = result.state;
    this.steps.push({ atTicks: now, ...measured, moves: result.moves.length });
    for (const m of result.moves) void this.move(m.queue, m.from, m.to, m.reason);
  }

  /** Asks the driver to move `queue`; when it refuses, the policy learns where it stayed. */
  private async move(
    queue: number,
    from: number,
    to: number,
    reason: QueueMoveRecord["reason"],
  ): Promise<void> {
    const record: QueueMoveRecord = {
      atTicks: this.scheduler.nowTicks,
      queue,
      from,
      to,
      reason,
      error: null,
      completedAtTicks: null,
    };
    this.moves.push(record);
    const outcome = await this.adapter.request({
      kind: "set-queue-processor",
      queue,
      processor: to,
    });
    if (outcome.ok) {
      record.completedAtTicks = outcome.value.completedAtTicks;
      return;
    }
    record.error = outcome.error.kind;
    if (this.state.queues[queue] !== undefined) {
      this.state = produce(this.state, (draft) => {
        const q = draft.queues[queue];
        if (q !== undefined) q.processor = from;
      });
    }
  }

  private countFailure(kind: DriverErrorKind): void {
    this.allocationFailures.set(kind, (this.allocationFailures.get(kind) ?? 0) + 1);
  }
}
