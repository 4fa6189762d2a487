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
  NEVER_MOVED,
  type QueueMoveReason,
  removeQueue,
  restartQueueLoad,
  staticProcessorFor,
} from "../policy/dynamic-vmq.js";
import type { ProcessorSet } from "../policy/processor-set.js";
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

/**
 * The switch's VMQ side: asks the driver for a queue per vNIC (its MAC and VLAN as the
 * filter) while queues last, first come first served, frees it when the vNIC goes and
 * gives it to the longest-waiting vNIC; places each queue on a processor as the policy
 * says; and, under dynamic VMQ, measures every interval and moves queues through the
 * driver's set-queue-processor request.
 */
export class VmqManager {
  readonly moves: QueueMoveRecord[] = [];
  /** Queue requests (allocate, free) the driver refused, by its reason. */
  readonly requestFailures = new Map<DriverErrorKind, number>();
  private readonly adapter: Adapter;
  private readonly scheduler: Scheduler;
  private readonly options: ResolvedVmqOptions;
  private readonly receive: ReceivePath;
  /** Moves the driver has not answered yet, by queue (settled when it answers). */
  private readonly movesInFlight = new Map<number, Promise<void>>();
  private readonly waiting: Port[] = [];
  private state: DynamicVmqState = initialDynamicVmqState();
  private allocations = 0;
  /** Queues held, plus allocations asked for and not yet answered (so maxQueues holds). */
  private queuesClaimed = 0;
  private monitor: LoadMonitor | null = null;
  /**
   * Processors of the set the driver refused a queue for good (no interrupt vector left
   * for them, or beyond the host): no policy places queues there any more.
   */
  private readonly unusable = new Set<number>();
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
    const { nowTicks } = this.scheduler;
    this.monitor = new LoadMonitor(this.loadSource, nowTicks, this.options.set.processors);
    // Where the driver has it: home, unless the move was refused (then, being outside the
    // set or not, the policy sees it where it is and can relocate it).
    const at = this.adapter.queueInfo(DEFAULT_QUEUE)?.affinity;
    if (at !== undefined) {
      this.state = addQueue(this.state, DEFAULT_QUEUE, at);
      this.monitor.track(DEFAULT_QUEUE);
    }
    this.timer = this.scheduler.timer("vswitch.dynamic-vmq", (now) => this.step(now));
    this.timer.scheduleAt(this.scheduler.nowTicks + this.options.intervalTicks);
  }

  /** Stops the measurement timer. */
  stop(): void {
    this.timer?.cancel();
  }

  /**
   * Gives `port` a queue if the policy uses them and one is left; else it waits, behind
   * every port already waiting (first come, first served).
   */
  async attach(port: Port): Promise<void> {
    if (this.options.policy === "none") return;
    this.waiting.push(port);
    await this.serveWaiting();
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
    // The driver refuses to free a queue in the middle of a move (queue-busy): let the
    // move finish first, or the queue and its filter would stay allocated for good.
    const moving = this.movesInFlight.get(queue);
    if (moving !== undefined) await moving;
    const outcome = await this.adapter.request({ kind: "free-queue", queue });
    if (!outcome.ok) this.countFailure(outcome.error.kind);
    this.queuesClaimed--;
    await this.serveWaiting();
  }

  /** Processors the policy stopped considering because the driver could not use them. */
  unusableProcessors(): number[] {
    return [...this.unusable].sort((a, b) => a - b);
  }

  /** Ports waiting for a queue, longest-waiting first. */
  waitingPorts(): readonly Port[] {
    return [...this.waiting];
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

  /**
   * Hands queues to waiting ports in order while queues last. The head leaves the list
   * before its request goes out, so a port removed meanwhile (which `detach` takes out of
   * the list) can never make another port lose its place; if the driver refuses, the
   * head goes back in front and the others keep waiting (a queue freed later retries).
   */
  private async serveWaiting(): Promise<void> {
    while (this.waiting.length > 0 && this.queuesClaimed < this.options.maxQueues) {
      const port = this.waiting.shift()!;
      const outcome = await this.allocate(port);
      if (outcome === "given") continue;
      if (port.active) this.waiting.unshift(port);
      if (outcome === "refused") return;
    }
  }

  /**
   * Asks the driver for a queue steering `port`'s address: "given" (or not needed any
   * more), "refused", or "retry" when the processor asked for turned out unusable (the
   * next attempt asks for another). The queue is claimed before asking, so concurrent
   * requests never exceed maxQueues.
   */
  private async allocate(port: Port): Promise<"given" | "refused" | "retry"> {
    // The index is taken when asking, so that concurrent allocations still go round robin.
    const index = this.allocations++;
    const processor =
      this.options.policy === "static"
        ? staticProcessorFor(this.usableSet(), index)
        : this.options.set.home;
    this.queuesClaimed++;
    const request = {
      kind: "allocate-queue" as const,
      mac: port.mac,
      processor,
      ...(port.vlan !== 0 ? { vlan: port.vlan } : {}),
    };
    const outcome = await this.adapter.request(request);
    if (!outcome.ok) {
      // A refused request gives its index back unless a later request took the next one.
      if (this.allocations === index + 1) this.allocations = index;
      this.queuesClaimed--;
      this.countFailure(outcome.error.kind);
      return this.markUnusable(processor, outcome.error.kind) ? "retry" : "refused";
    }
    const queue = outcome.value.queue;
    if (!port.active) {
      // Removed while asking: give the queue straight back.
      this.queuesClaimed--;
      await this.adapter.request({ kind: "free-queue", queue });
      return "given";
    }
    port.queue = queue;
    this.receive.queueOwner[queue] = port;
    if (this.options.policy === "dynamic") {
      this.state = addQueue(this.state, queue, processor);
      this.monitor?.track(queue);
    }
    return "given";
  }

  /**
   * Notes `processor` as unusable when the driver refused it for good (no interrupt vector
   * left for it, or beyond the host; vectors are never given back); true if newly noted.
   * Home never is: it has the default queue's vector.
   */
  private markUnusable(processor: number, error: DriverErrorKind): boolean {
    const permanent = error === "no-free-vector" || error === "processor-out-of-range";
    if (!permanent || processor === this.options.set.home || this.unusable.has(processor)) {
      return false;
    }
    this.unusable.add(processor);
    return true;
  }

  /** One dynamic VMQ interval: measure, decide (pure), move. */
  private step(now: Ticks): void {
    this.timer?.scheduleAt(now + this.options.intervalTicks);
    const monitor = this.monitor;
    if (monitor === null) return;
    const placed = new Map<number, number>();
    for (const [key, q] of Object.entries(this.state.queues)) placed.set(Number(key), q.processor);
    const set = this.usableSet();
    const measured = monitor.measure(now, placed, set.processors);
    const before = this.state;
    const result = dynamicVmqStep(before, measured, set, this.options.dynamic);
    let state = result.state;
    // A moved queue's next sample is its first on the new processor: take it as is.
    for (const m of result.moves) state = restartQueueLoad(state, m.queue);
    this.state = state;
    for (const m of result.moves) {
      const lastMove = before.queues[m.queue]?.lastMoveInterval ?? NEVER_MOVED;
      void this.move(m.queue, m.from, m.to, m.reason, lastMove);
    }
  }

  /**
   * The configured set without the processors found unusable. Home always has a vector
   * (the default queue's), so it is never found unusable and the set never empties.
   */
  private usableSet(): ProcessorSet {
    const set = this.options.set;
    if (this.unusable.size === 0) return set;
    return { ...set, processors: set.processors.filter((p) => !this.unusable.has(p)) };
  }

  /**
   * Asks the driver to move `queue`; when it refuses, see `refused`. `lastMove` is the
   * interval of the queue's previous move (for the policy's moves).
   */
  private async move(
    queue: number,
    from: number,
    to: number,
    reason: QueueMoveRecord["reason"],
    lastMove: number = NEVER_MOVED,
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
    const request = this.adapter.request({ kind: "set-queue-processor", queue, processor: to });
    const settled = request.then(() => {
      if (this.movesInFlight.get(queue) === settled) this.movesInFlight.delete(queue);
    });
    this.movesInFlight.set(queue, settled);
    const outcome = await request;
    if (outcome.ok) {
      record.completedAtTicks = outcome.value.completedAtTicks;
      return;
    }
    const error = outcome.error.kind;
    record.error = error;
    this.refused(record, error, lastMove);
  }

  /**
   * A move the driver refused: nothing changed, so the policy learns the queue is still
   * where it was, and that it did not move (no cooldown), unless the policy has placed
   * the queue elsewhere since, or it went. A processor refused for good (no vector left
   * for it, or beyond the host) would be refused again: the policy stops considering it.
   */
  private refused(record: QueueMoveRecord, error: DriverErrorKind, lastMove: number): void {
    const { queue, from, to } = record;
    this.markUnusable(to, error);
    if (this.state.queues[queue]?.processor !== to) return;
    this.state = produce(this.state, (draft) => {
      const q = draft.queues[queue]!;
      q.processor = from;
      q.lastMoveInterval = lastMove;
    });
  }

  private countFailure(kind: DriverErrorKind): void {
    this.requestFailures.set(kind, (this.requestFailures.get(kind) ?? 0) + 1);
  }
}
