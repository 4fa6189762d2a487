import type { WorkKind } from "../../host/host-services.js";
import { LatencyHistogram } from "../../host/latency-histogram.js";
import type { Ticks } from "../../kernel/ticks.js";
import { TICKS_PER_NS, TICKS_PER_SECOND } from "../../kernel/ticks.js";
import type { QueueMoveRecord } from "../../switch/vmq/vmq-manager.js";
import type { Testbed } from "../testbed.js";
import { DPC_KINDS, ISR_KINDS, type Sample, SWITCH_KINDS } from "./metrics-sampler.js";

/** A processor counts as used when it was busy at least this share of the run. */
export const USED_PROCESSOR_SHARE = 0.01;

/** One run's results: the numbers `nicsim compare` shows side by side. */
export interface RunSummary {
  readonly policy: string;
  readonly durationTicks: Ticks;
  /** Frames the generators made (at the wire's far end and in VMs). */
  readonly injected: number;
  /** Frames that reached their destination (a VM, or the wire for VM sends). */
  readonly delivered: number;
  /** Drops by reason (NIC counters, switch reasons, generator refusals). */
  readonly dropped: Readonly<Record<string, number>>;
  readonly droppedTotal: number;
  /** Frames not yet delivered or dropped when the run ended (0 after a full drain). */
  readonly inFlight: number;
  /** Bytes the driver indicated from the wire (to any port, or dropped by the switch), in Gb/s. */
  readonly receiveGbps: number;
  readonly interruptsPerSecond: number;
  /** Busy share of each processor over the run. */
  readonly processorUtilization: readonly number[];
  readonly processorUtilizationByKind: readonly { isr: number; dpc: number; switch: number }[];
  readonly processorsUsed: number;
  readonly latencyNs: { readonly p50: number | null; readonly p99: number | null };
  readonly queueMoves: number;
  readonly framesPerInterrupt: number;
  /**
   * Per queue vector (one per processor serving queues): the MSI-X messages it sent and
   * the frames from the wire its processor's DPCs delivered to VMs, per interrupt.
   */
  readonly perVector: readonly {
    readonly vector: number;
    readonly processor: number;
    readonly interrupts: number;
    readonly frames: number;
    readonly framesPerInterrupt: number;
  }[];
  readonly outOfOrder: number;
  readonly duplicates: number;
  readonly perQueue: readonly {
    readonly queue: number;
    readonly frames: number;
    readonly p50Ns: number | null;
    readonly p99Ns: number | null;
  }[];
  readonly moves: readonly QueueMoveRecord[];
  readonly samples: readonly Sample[];
}

/** Where every frame the generators made went, so far. */
export interface FrameAccounting {
  readonly injected: number;
  readonly delivered: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly droppedTotal: number;
  /** Made and neither delivered nor dropped yet. */
  readonly inFlight: number;
}

/** Counts every frame the generators made: delivered, dropped (by reason) or in flight. */
export function frameAccounting(bed: Testbed): FrameAccounting {
  const sw = bed.vswitch.counters;
  const dropped = dropsByReason(bed);
  let injected = 0;
  for (const flow of bed.flows) injected += flow.counters.generated;
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
  const delivered =
    sw.deliveredFromWire +
    sw.floodedFromWire +
    sw.switchedLocally +
    sw.sentToWire -
    sw.drops["send-failed"];
  return {
    injected,
    delivered,
    dropped,
    droppedTotal,
    inFlight: injected - delivered - droppedTotal,
  };
}

/** Sums a testbed's state up after `drain`. */
export function summarize(bed: Testbed, policy: string, durationTicks: Ticks): RunSummary {
  const sw = bed.vswitch.counters;
  const { injected, delivered, dropped, droppedTotal, inFlight } = frameAccounting(bed);
  const seconds = durationTicks / TICKS_PER_SECOND;
  const processors = bed.host.processorCount;
  const utilization = Array.from({ length: processors }, (_, p) =>
    busyShare(bed, p, durationTicks),
  );
  const byKind = Array.from({ length: processors }, (_, p) => kindShares(bed, p, durationTicks));
  let interrupts = 0;
  for (let p = 0; p < processors; p++) interrupts += bed.host.interrupts(p);
  const all = bed.vms.map((vm) => vm.received);
  const latency = mergedPercentiles(bed);
  // What the driver indicated from the wire (VM-to-VM traffic never crosses it).
  const bytesFromWire = bed.vswitch.receivedByQueue().bytes.reduce((s, b) => s + b, 0);
  return {
    policy,
    durationTicks,
    injected,
    delivered,
    dropped,
    droppedTotal,
    inFlight,
    receiveGbps: (bytesFromWire * 8) / seconds / 1e9,
    interruptsPerSecond: interrupts / seconds,
    processorUtilization: utilization,
    processorUtilizationByKind: byKind,
    processorsUsed: utilization.filter((u) => u >= USED_PROCESSOR_SHARE).length,
    latencyNs: latency,
    queueMoves: bed.vswitch.vmq.moves.filter((m) => m.error === null && m.reason !== "home").length,
    framesPerInterrupt: interrupts > 0 ? sw.framesFromWire / interrupts : 0,
    perVector: perVector(bed),
    outOfOrder:
      all.reduce((s, r) => s + r.counters.outOfOrder, 0) + bed.wireReceived.counters.outOfOrder,
    duplicates:
      all.reduce((s, r) => s + r.counters.duplicates, 0) + bed.wireReceived.counters.duplicates,
    perQueue: [...bed.queueLatency.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([queue, h]) => ({
        queue,
        frames: h.count,
        p50Ns: ns(h.percentile(0.5)),
        p99Ns: ns(h.percentile(0.99)),
      })),
    moves: bed.vswitch.vmq.moves,
    samples: bed.metrics.samples,
  };
}

function ns(ticks: Ticks | undefined): number | null {
  return ticks === undefined ? null : ticks / TICKS_PER_NS;
}

function busyShare(bed: Testbed, p: number, durationTicks: Ticks): number {
  const cycles = bed.host.processor(p).busyCycles;
  return Math.min(1, cycles / ((durationTicks / TICKS_PER_SECOND) * bed.host.clockHz));
}

function kindShares(bed: Testbed, p: number, durationTicks: Ticks) {
  const c = bed.host.busyCyclesByKind(p);
  const capacity = (durationTicks / TICKS_PER_SECOND) * bed.host.clockHz;
  const share = (kinds: readonly WorkKind[]) => kinds.reduce((sum, k) => sum + c[k], 0) / capacity;
  return { isr: share(ISR_KINDS), dpc: share(DPC_KINDS), switch: share(SWITCH_KINDS) };
}

/** p50 and p99 over every frame VMs received. */
function mergedPercentiles(bed: Testbed): { p50: number | null; p99: number | null } {
  const merged = new LatencyHistogram();
  for (const vm of bed.vms) merged.add(vm.received.latency);
  return { p50: ns(merged.percentile(0.5)), p99: ns(merged.percentile(0.99)) };
}

/**
 * Every drop so far, by reason: generator refusals at the wire's far end, the NIC's drop
 * counters (through the driver's statistics), and the switch's reasons. Reasons with no
 * drop are left out.
 */
export function dropsByReason(bed: Testbed): Record<string, number> {
  const dropped: Record<string, number> = {};
  const add = (reason: string, n: number) => {
    if (n > 0) dropped[reason] = (dropped[reason] ?? 0) + n;
  };
  // A VM's refused sends are the switch's send-queue-full (or port-removed) drops.
  for (const flow of bed.flows) if (flow.fromWire) add("peer-queue-full", flow.counters.refused);
  const stats = bed.adapter.statisticsNow();
  if (stats !== null) {
    const d = stats.device;
    add("nic-missed", d.missedFrames);
    add("nic-crc-error", d.crcErrors);
    add("nic-undersize", d.undersize);
    add("nic-oversize", d.oversize);
    add("nic-dma-fault", d.rxDmaFaultDrops);
    const queueDrops = stats.queues.reduce((s, q) => s + q.framesDropped, 0);
    add("nic-no-descriptor", queueDrops + stats.freedQueues.framesDropped);
  }
  for (const [reason, n] of Object.entries(bed.vswitch.counters.drops)) add(reason, n);
  return dropped;
}

function perVector(bed: Testbed): RunSummary["perVector"] {
  const stats = bed.adapter.statisticsNow();
  if (stats === null) return [];
  return stats.vectors.map(({ vector, processor, messages }) => {
    const frames = bed.framesByProcessor[processor] ?? 0;
    return {
      vector,
      processor,
      interrupts: messages,
      frames,
      framesPerInterrupt: messages > 0 ? frames / messages : 0,
    };
  });
}
