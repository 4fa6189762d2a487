import type { HostMemory } from "../bus/host-memory.js";
import type { MsixListener } from "../hw/irq/interrupt-unit.js";
import { ClockDomain } from "../kernel/clock-domain.js";
import type { Scheduler } from "../kernel/scheduler.js";
import { TICKS_PER_MS, TICKS_PER_SECOND, type Ticks } from "../kernel/ticks.js";
import type { UtilizationWindow } from "./busy-windows.js";
import type {
  CostModel,
  DeferredRoutine,
  HostServices,
  InterruptRoutine,
  WorkKind,
} from "./host-services.js";
import { InterruptController, MAX_PROCESSORS } from "./interrupt-controller.js";
import { type ExecutionContext, Processor } from "./processor.js";

/**
 * The default cost model, in CPU cycles. These are our figures for a ~3 GHz server core
 * running a Windows-style miniport, chosen from the published orders of magnitude:
 *
 * - `interruptCycles` 1500: taking an interrupt end to end (APIC delivery, IDT dispatch,
 *   saving and restoring state in the kernel's interrupt dispatcher, the EOI write, the
 *   return): measurements on x86 put it at roughly 1000-2000 cycles, more with
 *   speculative-execution mitigations.
 * - `isrCycles` 500: an MSI-X miniport ISR reads no cause register (the vector says what
 *   happened); it masks its vector with a posted MMIO write and queues a DPC.
 * - `dpcCycles` 1000: draining the DPC queue (KiRetireDpcList), the call, and the
 *   driver's fixed work per DPC (reading ring state, re-enabling the vector).
 * - `rxFrameCycles` 1500: per received frame in the driver and the stack above it:
 *   the descriptor, the buffer's metadata (NET_BUFFER_LIST), the indication, the
 *   protocol's per-packet work; per-packet receive costs of 1000-2000 cycles are
 *   typical without batching.
 * - `txFrameCycles` 800: per frame sent: descriptor setup, its share of the tail write,
 *   and completing it back to the stack; cheaper than receive (no demultiplexing).
 * - `copyByteCycles` 0.5: 2 bytes a cycle (about 6 GB/s at 3 GHz), a copy out of
 *   buffers the device just wrote, which are mostly not in the cache; a cache-hot memcpy
 *   is several times faster.
 */
export const DEFAULT_COST_MODEL: CostModel = Object.freeze({
  interruptCycles: 1500,
  isrCycles: 500,
  dpcCycles: 1000,
  rxFrameCycles: 1500,
  txFrameCycles: 800,
  copyByteCycles: 0.5,
});

/** The default processor clock: 3 GHz. */
export const DEFAULT_CLOCK_HZ = 3_000_000_000;
/** The default utilisation window: 1 ms of simulated time. */
export const DEFAULT_WINDOW_TICKS: Ticks = TICKS_PER_MS;
/** The default number of windows kept per processor (about a second at 1 ms). */
export const DEFAULT_WINDOW_COUNT = 1024;

export interface HostOptions {
  /** Processors, numbered 0..processors-1 (1 to 64). */
  readonly processors: number;
  /** Every processor's clock, in hertz (a positive integer, at most 1 THz). */
  readonly clockHz?: number;
  /** Overrides of the default cost model (each a finite number >= 0). */
  readonly costs?: Partial<CostModel>;
  /** Width of a utilisation window, in ticks (a positive integer). */
  readonly windowTicks?: Ticks;
  /** How many of the latest windows each processor keeps (1 to 1,000,000). */
  readonly windowCount?: number;
}

/** Options with every default filled in. */
export interface ResolvedHostOptions {
  readonly processors: number;
  readonly clockHz: number;
  readonly costs: CostModel;
  readonly windowTicks: Ticks;
  readonly windowCount: number;
}

/** The cost model's entries, in the order the docs list them (DEFAULT_COST_MODEL's). */
export const COST_NAMES = Object.keys(DEFAULT_COST_MODEL) as readonly (keyof CostModel)[];

/** Fills in defaults and validates; a bad option throws a RangeError that names it. */
export function resolveHostOptions(options: HostOptions): ResolvedHostOptions {
  const processors = options.processors;
  if (!Number.isInteger(processors) || processors < 1 || processors > MAX_PROCESSORS) {
    throw new RangeError(
      `processors: ${processors} must be an integer within 1..${MAX_PROCESSORS}`,
    );
  }
  const clockHz = options.clockHz ?? DEFAULT_CLOCK_HZ;
  if (!Number.isSafeInteger(clockHz) || clockHz <= 0 || clockHz > TICKS_PER_SECOND) {
    throw new RangeError(
      `clockHz: ${clockHz} must be a positive integer of hertz, at most ${TICKS_PER_SECOND}`,
    );
  }
  const overrides = options.costs ?? {};
  for (const key of Object.keys(overrides)) {
    if (!(COST_NAMES as readonly string[]).includes(key)) {
      throw new RangeError(`costs.${key}: not a cost of the model (${COST_NAMES.join(", ")})`);
    }
  }
  const costs = { ...DEFAULT_COST_MODEL, ...overrides };
  for (const key of COST_NAMES) {
    const value = costs[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`costs.${key}: ${value} must be a finite number of cycles >= 0`);
    }
  }
  const windowTicks = options.windowTicks ?? DEFAULT_WINDOW_TICKS;
  if (!Number.isSafeInteger(windowTicks) || windowTicks <= 0) {
    throw new RangeError(`windowTicks: ${windowTicks} must be a positive integer of ticks`);
  }
  const windowCount = options.windowCount ?? DEFAULT_WINDOW_COUNT;
  if (!Number.isInteger(windowCount) || windowCount < 1 || windowCount > 1_000_000) {
    throw new RangeError(`windowCount: ${windowCount} must be an integer within 1..1000000`);
  }
  return { processors, clockHz, costs: Object.freeze(costs), windowTicks, windowCount };
}

/** What `attach` needs of a device: where to send its MSI-X messages (a `Nic`). */
export interface MsixSource {
  setMsixListener(listener: MsixListener | null): void;
}

/**
 * The host: processors with their work queues and accounting, the interrupt controller,
 * and host memory, behind the `HostServices` a driver is given.
 *
 * `charge` goes to the processor whose routine is executing (ISRs and DPCs run one at a
 * time in simulated time, so there is at most one); outside a routine it does nothing.
 */
export class Host implements HostServices {
  readonly memory: HostMemory;
  readonly processorCount: number;
  readonly costs: CostModel;
  readonly clockHz: number;
  readonly options: ResolvedHostOptions;
  readonly interruptController: InterruptController;
  private readonly scheduler: Scheduler;
  private readonly cpus: readonly Processor[];
  private readonly context: ExecutionContext = { current: null };

  constructor(scheduler: Scheduler, memory: HostMemory, options: HostOptions) {
    const resolved = resolveHostOptions(options);
    this.options = resolved;
    this.scheduler = scheduler;
    this.memory = memory;
    this.processorCount = resolved.processors;
    this.costs = resolved.costs;
    this.clockHz = resolved.clockHz;
    this.cpus = Array.from({ length: resolved.processors }, (_, id) => {
      let clock: ClockDomain;
      try {
        clock = ClockDomain.fromHz(`cpu${id}`, resolved.clockHz);
      } catch (e) {
        throw new RangeError(`clockHz: ${(e as Error).message}`);
      }
      return new Processor(scheduler, {
        id,
        clock,
        costs: resolved.costs,
        windowTicks: resolved.windowTicks,
        windowCount: resolved.windowCount,
        context: this.context,
      });
    });
    this.interruptController = new InterruptController(this.cpus);
  }

  /** Sends `device`'s MSI-X messages to this host's interrupt controller. */
  attach(device: MsixSource): void {
    device.setMsixListener(this.interruptController.message);
  }

  nowTicks(): Ticks {
    return this.scheduler.nowTicks;
  }

  connectInterrupt(vector: number, isr: InterruptRoutine): void {
    this.interruptController.connect(vector, isr);
  }

  /** Disconnects vector `vector`'s ISR (its later messages count as spurious). */
  disconnectInterrupt(vector: number): void {
    this.interruptController.disconnect(vector);
  }

  queueDpc(processor: number, dpc: DeferredRoutine): void {
    this.processor(processor).queueDpc(dpc);
  }

  charge(kind: WorkKind, cycles: number): void {
    this.context.current?.charge(kind, cycles);
  }

  chargedCycles(): number {
    return this.context.current?.runningCycles ?? 0;
  }

  msiTarget(processor: number): { readonly address: number; readonly data: number } {
    return this.interruptController.msiTarget(processor);
  }

  /** The processor whose routine is executing now, or undefined between routines. */
  currentProcessor(): number | undefined {
    return this.context.current?.id;
  }

  /** Processor `p` itself, for its queues and full statistics. */
  processor(p: number): Processor {
    const cpu = this.cpus[p];
    if (cpu === undefined || !Number.isInteger(p)) {
      throw new RangeError(`processor ${p} must be within 0..${this.processorCount - 1}`);
    }
    return cpu;
  }

  /** Processor `p`'s busy time over the time since the host was built, 0 to 1. */
  utilization(p: number): number {
    return this.processor(p).utilization();
  }

  /** Processor `p`'s utilisation per complete window still recorded, oldest first. */
  utilizationWindows(p: number): UtilizationWindow[] {
    return this.processor(p).utilizationWindows();
  }

  /** Cycles charged on processor `p` so far, by kind. */
  busyCyclesByKind(p: number): Record<WorkKind, number> {
    return this.processor(p).busyCyclesByKind();
  }

  /** Interrupts processor `p` has taken (ISRs started there). */
  interrupts(p: number): number {
    return this.processor(p).interruptsTaken;
  }

  /**
   * The `q`-quantile (0..1) of processor `p`'s DPC latency (queue to start), in ticks,
   * or undefined before its first DPC. Exact below 256 ticks, otherwise at most 0.8%
   * high (see LatencyHistogram).
   */
  dpcLatencyPercentile(p: number, q: number): Ticks | undefined {
    return this.processor(p).dpcLatency.percentile(q);
  }
}
