import type { Adapter } from "../../driver/adapter.js";
import type { Host } from "../../host/host.js";
import type { WorkKind } from "../../host/host-services.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import type { Timer } from "../../kernel/timer.js";

/** One processor over one sample period: fractions of the period, and interrupts taken. */
export interface ProcessorSample {
  /** Interrupt entry and ISRs. */
  readonly isr: number;
  /** DPCs: the driver's fixed, receive, transmit and copy work. */
  readonly dpc: number;
  /** The virtual switch's work. */
  readonly switch: number;
  readonly interrupts: number;
}

/** The system at the end of one sample period. */
export interface Sample {
  readonly atTicks: Ticks;
  readonly processors: readonly ProcessorSample[];
  /** Each queue in use and the processor whose DPC owned it. */
  readonly queueProcessor: Readonly<Record<number, number>>;
  /** Frames dropped during the period, by reason (reasons with none left out). */
  readonly drops: Readonly<Record<string, number>>;
}

/** What the sampler needs to see. */
export interface Sampled {
  readonly scheduler: Scheduler;
  readonly host: Host;
  readonly adapter: Adapter;
  /** Every drop so far, by reason. */
  dropsByReason(): Record<string, number>;
}

/** The work kinds each share of a processor's time is made of. */
export const ISR_KINDS: readonly WorkKind[] = ["interrupt", "isr"];
export const DPC_KINDS: readonly WorkKind[] = ["dpc", "rx", "tx", "copy", "other"];
export const SWITCH_KINDS: readonly WorkKind[] = ["switch"];

/**
 * Samples, every period, where each processor's time went (ISR, DPC, switch), the
 * interrupts it took, and which processor each queue sat on: the time series of the report.
 */
export class MetricsSampler {
  readonly samples: Sample[] = [];
  readonly periodTicks: Ticks;
  private readonly bed: Sampled;
  private timer: Timer | null = null;
  private lastTicks: Ticks = 0;
  private last: { cycles: Record<WorkKind, number>; interrupts: number }[] = [];
  private lastDrops: Record<string, number> = {};

  constructor(bed: Sampled, periodTicks: Ticks) {
    this.bed = bed;
    this.periodTicks = periodTicks;
  }

  start(): void {
    const { scheduler } = this.bed;
    this.lastTicks = scheduler.nowTicks;
    this.last = this.read();
    this.lastDrops = this.bed.dropsByReason();
    this.timer = scheduler.timer("metrics.sample", (now) => this.sample(now));
    this.timer.scheduleAt(scheduler.nowTicks + this.periodTicks);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** Drops since the previous sample, by reason. */
  private newDrops(): Record<string, number> {
    const totals = this.bed.dropsByReason();
    const drops: Record<string, number> = {};
    for (const [reason, n] of Object.entries(totals)) {
      const delta = n - (this.lastDrops[reason] ?? 0);
      if (delta > 0) drops[reason] = delta;
    }
    this.lastDrops = totals;
    return drops;
  }

  private read(): { cycles: Record<WorkKind, number>; interrupts: number }[] {
    const host = this.bed.host;
    return Array.from({ length: host.processorCount }, (_, p) => ({
      cycles: host.busyCyclesByKind(p),
      interrupts: host.interrupts(p),
    }));
  }

  private sample(now: Ticks): void {
    this.timer?.scheduleAt(now + this.periodTicks);
    const { host, adapter } = this.bed;
    const capacity = ((now - this.lastTicks) / 1e12) * host.clockHz;
    this.lastTicks = now;
    const current = this.read();
    const processors = current.map((c, p) => {
      const before = this.last[p]!;
      const share = (kinds: readonly WorkKind[]) =>
        kinds.reduce((sum, k) => sum + c.cycles[k] - before.cycles[k], 0) / capacity;
      return {
        isr: share(ISR_KINDS),
        dpc: share(DPC_KINDS),
        switch: share(SWITCH_KINDS),
        interrupts: c.interrupts - before.interrupts,
      };
    });
    this.last = current;
    const queueProcessor: Record<number, number> = {};
    for (const q of adapter.activeQueues()) {
      const info = adapter.queueInfo(q);
      if (info !== undefined) queueProcessor[q] = info.owner;
    }
    this.samples.push({ atTicks: now, processors, queueProcessor, drops: this.newDrops() });
  }
}
