import type { HostMemory } from "../../src/bus/host-memory.js";
import type {
  CostModel,
  DeferredRoutine,
  HostServices,
  InterruptRoutine,
  WorkKind,
} from "../../src/host/host-services.js";
import {
  decodeMsiDestination,
  MSI_DATA_VECTOR_BASE,
  msiAddressFor,
} from "../../src/host/interrupt-controller.js";
import type { Nic } from "../../src/hw/nic.js";
import type { Scheduler } from "../../src/kernel/scheduler.js";
import { TICKS_PER_SECOND, type Ticks } from "../../src/kernel/ticks.js";
import type { Timer } from "../../src/kernel/timer.js";

/** The test host's costs: the real host's orders of magnitude (send.test pins them). */
const TEST_COSTS: CostModel = {
  interruptCycles: 1500,
  isrCycles: 500,
  dpcCycles: 1000,
  rxFrameCycles: 1500,
  txFrameCycles: 800,
  copyByteCycles: 0.5,
};

/** An MSI-X message as the host's interrupt controller took it. */
export interface MessageRecord {
  readonly vector: number;
  readonly processor: number;
  readonly atTicks: Ticks;
}

/** A routine a processor ran. */
export interface RoutineRecord {
  readonly kind: "isr" | "dpc";
  readonly processor: number;
  readonly atTicks: Ticks;
}

type Work =
  | { kind: "isr"; isr: InterruptRoutine; vector: number }
  | { kind: "dpc"; dpc: DeferredRoutine };

/** One processor: an ISR queue before a DPC queue, one item at a time, busy for its cycles. */
class Cpu {
  readonly isrs: Work[] = [];
  readonly dpcs: Work[] = [];
  busyUntil: Ticks = 0;
  cycles = 0;
  readonly timer: Timer;

  constructor(
    readonly id: number,
    scheduler: Scheduler,
    run: (cpu: Cpu) => void,
  ) {
    this.timer = scheduler.timer(`fake-host.cpu${id}`, () => run(this));
  }

  get idle(): boolean {
    return this.isrs.length === 0 && this.dpcs.length === 0;
  }
}

/**
 * A small `HostServices` for the driver tests, on the scheduler: MSI-X messages go to the
 * processor their address names (the host's x86 encoding, APIC id p being processor p; an
 * address it cannot decode goes to processor 0), each processor runs ISRs before DPCs,
 * one at a time, charging the fixed cost of each (as the real host does) plus what the
 * routine charges, and stays busy for those cycles.
 */
export class FakeHost implements HostServices {
  readonly memory: HostMemory;
  readonly processorCount: number;
  readonly costs: CostModel;
  readonly clockHz: number;
  readonly messages: MessageRecord[] = [];
  readonly routines: RoutineRecord[] = [];
  readonly charged = new Map<WorkKind, number>();
  private readonly scheduler: Scheduler;
  private readonly isrs = new Map<number, InterruptRoutine>();
  private readonly cpus: Cpu[];
  private current: Cpu | null = null;

  constructor(
    scheduler: Scheduler,
    memory: HostMemory,
    processors: number,
    costs: CostModel = TEST_COSTS,
    clockHz = 3_000_000_000,
  ) {
    this.scheduler = scheduler;
    this.memory = memory;
    this.processorCount = processors;
    this.costs = costs;
    this.clockHz = clockHz;
    this.cpus = Array.from(
      { length: processors },
      (_, id) => new Cpu(id, scheduler, (cpu) => this.dispatch(cpu)),
    );
  }

  /** Takes `nic`'s MSI-X messages. */
  attach(nic: Nic): void {
    nic.setMsixListener((vector, address, _data, atTicks) => {
      const processor = decodeMsiDestination(address) ?? 0;
      this.messages.push({ vector, processor, atTicks });
      const isr = this.isrs.get(vector);
      const cpu = this.cpus[processor];
      if (isr === undefined || cpu === undefined) return;
      this.enqueue(cpu, { kind: "isr", isr, vector });
    });
  }

  nowTicks(): Ticks {
    return this.scheduler.nowTicks;
  }

  connectInterrupt(vector: number, isr: InterruptRoutine): void {
    this.isrs.set(vector, isr);
  }

  queueDpc(processor: number, dpc: DeferredRoutine): void {
    const cpu = this.cpus[processor];
    if (cpu === undefined) throw new RangeError(`no processor ${processor}`);
    this.enqueue(cpu, { kind: "dpc", dpc });
  }

  chargedCycles(): number {
    return this.current?.cycles ?? 0;
  }

  charge(kind: WorkKind, cycles: number): void {
    if (this.current === null) return;
    this.current.cycles += cycles;
    this.charged.set(kind, (this.charged.get(kind) ?? 0) + cycles);
  }

  msiTarget(processor: number): { readonly address: number; readonly data: number } {
    return { address: msiAddressFor(processor), data: MSI_DATA_VECTOR_BASE + processor };
  }

  /** True when no processor has work queued or a routine's busy time left to run. */
  get idle(): boolean {
    return this.cpus.every((cpu) => cpu.idle && !cpu.timer.pending);
  }

  /** The processor whose routine is running now, or -1 between routines. */
  get runningProcessor(): number {
    return this.current?.id ?? -1;
  }

  /** Messages for `vector` at or after `fromTicks`. */
  messagesFor(vector: number, fromTicks = 0): MessageRecord[] {
    return this.messages.filter((m) => m.vector === vector && m.atTicks >= fromTicks);
  }

  private enqueue(cpu: Cpu, work: Work): void {
    (work.kind === "isr" ? cpu.isrs : cpu.dpcs).push(work);
    if (!cpu.timer.pending) cpu.timer.scheduleAt(Math.max(this.scheduler.nowTicks, cpu.busyUntil));
  }

  private dispatch(cpu: Cpu): void {
    const work = cpu.isrs.shift() ?? cpu.dpcs.shift();
    if (work === undefined) return;
    const now = this.scheduler.nowTicks;
    this.current = cpu;
    cpu.cycles = 0;
    this.routines.push({ kind: work.kind, processor: cpu.id, atTicks: now });
    try {
      if (work.kind === "isr") {
        this.charge("interrupt", this.costs.interruptCycles);
        this.charge("isr", this.costs.isrCycles);
        work.isr(work.vector, cpu.id);
      } else {
        this.charge("dpc", this.costs.dpcCycles);
        work.dpc(cpu.id);
      }
    } finally {
      this.current = null;
    }
    cpu.busyUntil = now + Math.ceil((cpu.cycles * TICKS_PER_SECOND) / this.clockHz);
    if (!cpu.idle) cpu.timer.scheduleAt(cpu.busyUntil);
  }
}
