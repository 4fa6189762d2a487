import type { ClockDomain } from "../kernel/clock-domain.js";
import type { Scheduler } from "../kernel/scheduler.js";
import type { Ticks } from "../kernel/ticks.js";
import type { Timer } from "../kernel/timer.js";
import { BusyWindows, type UtilizationWindow } from "./busy-windows.js";
import type { CostModel, DeferredRoutine, InterruptRoutine, WorkKind } from "./host-services.js";
import { LatencyHistogram } from "./latency-histogram.js";
import { WorkQueue } from "./work-queue.js";

/** Every kind of work, in the order `busyCyclesByKind` lists them. */
export const WORK_KINDS: readonly WorkKind[] = [
  "interrupt",
  "isr",
  "dpc",
  "rx",
  "tx",
  "copy",
  "switch",
  "other",
];

/** Each kind's place in WORK_KINDS (and in the per-kind totals). */
const KIND_INDEX = Object.fromEntries(WORK_KINDS.map((kind, i) => [kind, i])) as Readonly<
  Record<WorkKind, number>
>;

/**
 * A charged total within this much of a whole number of cycles counts as that number, so
 * float noise from fractional costs (0.5 cycle a byte...) never adds a cycle.
 */
const WHOLE_CYCLE_SLACK = 1e-6;

/** The two priorities of work: interrupt service routines before deferred procedure calls. */
export type WorkPriority = "isr" | "dpc";

/**
 * Which processor is running a routine right now, shared by a host's processors so that
 * `charge` reaches the right one. Null between routines.
 */
export interface ExecutionContext {
  current: Processor | null;
}

/**
 * One finished dispatch of a work item, as reported to `onWork` listeners. The object is
 * reused: a listener that keeps it must copy it.
 */
export interface WorkRecord {
  readonly processor: number;
  readonly priority: WorkPriority;
  /** The MSI-X vector for an ISR; -1 for a DPC. */
  readonly vector: number;
  readonly queuedTicks: Ticks;
  /** When the routine ran (an edge of the processor's clock). */
  readonly startTicks: Ticks;
  /** When the processor became free again (startTicks + busyCycles of its clock). */
  readonly endTicks: Ticks;
  /** Cycles charged, exactly (fixed costs included). */
  readonly chargedCycles: number;
  /** Whole cycles the processor was busy: chargedCycles rounded up. */
  readonly busyCycles: number;
}

/** Called after each work item's routine has run, at its start tick. */
export type WorkListener = (record: WorkRecord) => void;

export interface ProcessorOptions {
  /** The processor number (also its APIC id). */
  readonly id: number;
  readonly clock: ClockDomain;
  readonly costs: CostModel;
  /** Width of a utilisation window. */
  readonly windowTicks: Ticks;
  /** How many of the latest windows are kept. */
  readonly windowCount: number;
  /** Shared with the host's other processors; a private one when omitted. */
  readonly context?: ExecutionContext;
}

/**
 * A host processor: its own clock, two FIFO work queues (ISRs, then DPCs), and the
 * accounting of what its cycles went to.
 *
 * Execution: one item at a time. When the processor is idle and work is queued, it
 * starts the oldest ISR, or if there is none the oldest DPC, on the first edge of its
 * clock at or after the time the work was queued. The item's fixed cost is charged
 * first (an ISR: `interruptCycles` as "interrupt" plus `isrCycles` as "isr"; a DPC:
 * `dpcCycles` as "dpc"), then its routine runs, at that tick, and may `charge` more.
 * The processor then stays busy for the total, rounded up to whole cycles and converted
 * with its clock (edge arithmetic, so no drift), and at the end picks the next item at
 * once. A routine's effects (MMIO writes, DPCs it queues) happen at its start tick; its
 * cost delays everything queued behind it. An item costing zero cycles takes no time.
 *
 * There is no preemption: an ISR queued while a DPC runs waits until the DPC's busy
 * period ends, then goes before every waiting DPC. (On Windows an ISR would preempt the
 * DPC at once; here the DPC's cost is one indivisible busy period.) Hyper-threading is
 * not modelled: a processor is one hardware thread with the whole core to itself.
 *
 * The hot path allocates nothing: queues are rings of typed arrays, the dispatch timer is
 * reused, and the accounting is fixed-size.
 */
export class Processor {
  readonly id: number;
  readonly clock: ClockDomain;
  readonly costs: CostModel;
  /** Queue-to-start times of every DPC run here. */
  readonly dpcLatency = new LatencyHistogram();
  private readonly scheduler: Scheduler;
  private readonly context: ExecutionContext;
  private readonly timer: Timer;
  private readonly isrs = new WorkQueue<InterruptRoutine>();
  private readonly dpcs = new WorkQueue<DeferredRoutine>();
  private readonly windows: BusyWindows;
  private readonly chargedByKind = new Float64Array(WORK_KINDS.length);
  private listeners: readonly WorkListener[] = [];
  private readonly record: {
    -readonly [K in keyof WorkRecord]: WorkRecord[K];
  };
  private busy = false;
  private running = false;
  private itemCycles = 0;
  private busyUntil: Ticks = 0;
  private interruptCount = 0;
  private dpcCount = 0;
  private wholeBusyCycles = 0;
  /** Whole cycles of the item started last. */
  private lastBusyCycles = 0;

  constructor(scheduler: Scheduler, options: ProcessorOptions) {
    this.scheduler = scheduler;
    this.id = options.id;
    this.clock = options.clock;
    this.costs = options.costs;
    this.context = options.context ?? { current: null };
    this.windows = new BusyWindows(options.windowTicks, options.windowCount, scheduler.nowTicks);
    this.timer = scheduler.timer(`cpu${options.id}`, (now) => this.dispatch(now));
    this.record = {
      processor: this.id,
      priority: "dpc",
      vector: -1,
      queuedTicks: 0,
      startTicks: 0,
      endTicks: 0,
      chargedCycles: 0,
      busyCycles: 0,
    };
  }

  /** Queues an ISR for `vector` at interrupt priority. */
  queueIsr(isr: InterruptRoutine, vector: number): void {
    this.isrs.push(isr, vector, this.scheduler.nowTicks);
    this.wake();
  }

  /** Queues a DPC at DPC priority (after every ISR waiting here). */
  queueDpc(dpc: DeferredRoutine): void {
    this.dpcs.push(dpc, -1, this.scheduler.nowTicks);
    this.wake();
  }

  /**
   * Adds `cycles` (a finite number >= 0, possibly fractional) of `kind` to the item this
   * processor is running. Throws outside a routine of this processor.
   */
  charge(kind: WorkKind, cycles: number): void {
    if (!this.running) {
      throw new Error(`cpu${this.id}: charge(${kind}) outside a routine running here`);
    }
    const index = KIND_INDEX[kind];
    if (index === undefined) throw new RangeError(`charge: unknown work kind ${String(kind)}`);
    if (!(cycles >= 0) || cycles === Number.POSITIVE_INFINITY) {
      throw new RangeError(`charge(${kind}, ${cycles}): cycles must be a finite number >= 0`);
    }
    this.chargedByKind[index]! += cycles;
    this.itemCycles += cycles;
  }

  /** Adds a listener told about every item dispatched here; returns its remover. */
  onWork(listener: WorkListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** True from an item's start to the end of its busy period. */
  get isBusy(): boolean {
    return this.busy;
  }

  /** Cycles charged so far to the routine executing now (0 between routines). */
  get runningCycles(): number {
    return this.running ? this.itemCycles : 0;
  }

  /** ISRs waiting. */
  get queuedIsrs(): number {
    return this.isrs.length;
  }

  /** DPCs waiting. */
  get queuedDpcs(): number {
    return this.dpcs.length;
  }

  /** Interrupts taken: ISRs started here. */
  get interruptsTaken(): number {
    return this.interruptCount;
  }

  /** DPCs started here. */
  get dpcsRun(): number {
    return this.dpcCount;
  }

  /**
   * Whole cycles of busy periods started so far (the sum of every item's charge rounded
   * up), including the whole of the one in progress.
   */
  get busyCycles(): number {
    return this.wholeBusyCycles;
  }

  /**
   * Cycles charged per kind so far, exactly as charged (not rounded), including the whole
   * of the item in progress, whose charges are all made at its start tick.
   */
  busyCyclesByKind(): Record<WorkKind, number> {
    const out = {} as Record<WorkKind, number>;
    for (let i = 0; i < WORK_KINDS.length; i++) out[WORK_KINDS[i]!] = this.chargedByKind[i]!;
    return out;
  }

  /** Busy ticks from the host's construction until now (a busy period counts up to now). */
  busyTicks(): Ticks {
    return this.windows.busyTicksUntil(this.scheduler.nowTicks);
  }

  /** Busy time over elapsed time since the host was built, 0 to 1. */
  utilization(): number {
    return this.windows.utilization(this.scheduler.nowTicks);
  }

  /** The complete utilisation windows still recorded, oldest first. */
  utilizationWindows(): UtilizationWindow[] {
    return this.windows.windows(this.scheduler.nowTicks);
  }

  /** Width of a utilisation window. */
  get windowTicks(): Ticks {
    return this.windows.windowTicks;
  }

  private wake(): void {
    if (this.busy || this.timer.pending) return;
    this.timer.scheduleAt(this.clock.edgeAtOrAfter(this.scheduler.nowTicks));
  }

  private dispatch(now: Ticks): void {
    if (this.busy) {
      this.busy = false;
      this.windows.close();
    }
    if (this.isrs.length > 0) {
      const queue = this.isrs;
      const isr = queue.peekRoutine();
      const vector = queue.peekArg();
      const queued = queue.peekQueuedTicks();
      queue.drop();
      this.begin();
      try {
        this.interruptCount++;
        this.charge("interrupt", this.costs.interruptCycles);
        this.charge("isr", this.costs.isrCycles);
        isr(vector, this.id);
      } finally {
        this.finish(now);
      }
      this.report("isr", vector, queued, now);
    } else if (this.dpcs.length > 0) {
      const queue = this.dpcs;
      const dpc = queue.peekRoutine();
      const queued = queue.peekQueuedTicks();
      queue.drop();
      this.begin();
      try {
        this.dpcCount++;
        this.dpcLatency.record(now - queued);
        this.charge("dpc", this.costs.dpcCycles);
        dpc(this.id);
      } finally {
        this.finish(now);
      }
      this.report("dpc", -1, queued, now);
    }
  }

  private begin(): void {
    this.busy = true;
    this.running = true;
    this.itemCycles = 0;
    this.context.current = this;
  }

  /** Ends the routine's execution and schedules the end of its busy period. */
  private finish(start: Ticks): void {
    // Routines never nest (each starts from the scheduler), so none was running before.
    this.context.current = null;
    this.running = false;
    const cycles = Math.max(0, Math.ceil(this.itemCycles - WHOLE_CYCLE_SLACK));
    const end = this.clock.edgeTick(this.clock.cycleAtOrBefore(start) + cycles);
    this.lastBusyCycles = cycles;
    this.wholeBusyCycles += cycles;
    this.busyUntil = end;
    this.windows.open(start, end);
    this.timer.scheduleAt(end);
  }

  private report(priority: WorkPriority, vector: number, queued: Ticks, start: Ticks): void {
    const listeners = this.listeners;
    if (listeners.length === 0) return;
    const r = this.record;
    r.priority = priority;
    r.vector = vector;
    r.queuedTicks = queued;
    r.startTicks = start;
    r.endTicks = this.busyUntil;
    r.chargedCycles = this.itemCycles;
    r.busyCycles = this.lastBusyCycles;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(r);
  }
}
