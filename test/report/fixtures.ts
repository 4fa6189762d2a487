import { TICKS_PER_MS } from "../../src/kernel/ticks.js";
import type { ProcessorSample, Sample } from "../../src/sim/metrics/metrics-sampler.js";
import { type RunSummary, summarize } from "../../src/sim/metrics/run-summary.js";
import { Testbed } from "../../src/sim/testbed.js";
import type { VmqPolicyName } from "../../src/switch/vmq/vmq-policy.js";

/**
 * A short real run: 4 processors, 3 VMs, 1500-byte UDP from the wire at 200k frames per
 * second each (enough for no VMQ to drop on one processor), `durationMs` of traffic.
 */
export async function realRun(policy: VmqPolicyName, durationMs = 40): Promise<RunSummary> {
  const bed = await Testbed.create({
    host: { processors: 4 },
    vmq: { policy },
    moderation: { kind: "fixed", intervalUs: 20 },
  });
  const vms = [];
  for (let i = 0; i < 3; i++) vms.push(await bed.addVm(`vm${i}`, [2, 0x15, 0x5d, 0, 0, i + 1]));
  for (const [i, vm] of vms.entries()) {
    const phase = { fromTicks: 0, toTicks: Infinity, framesPerSecond: 200_000, frameBytes: 1500 };
    bed.addFlow(
      { name: `f${i}`, ip: 4, l4: "udp", connections: 2, phases: [phase] },
      { from: "wire", to: vm },
    );
  }
  await bed.advance(durationMs * TICKS_PER_MS);
  const endTicks = bed.scheduler.nowTicks;
  await bed.drain();
  return summarize(bed, policy, endTicks);
}

/** A processor sample with the given shares. */
export function cpu(isr: number, dpc: number, sw: number, interrupts: number): ProcessorSample {
  return { isr, dpc, switch: sw, interrupts };
}

/** A hand-made summary around the given samples, every number chosen by the test. */
export function syntheticSummary(
  policy: string,
  samples: readonly Sample[],
  overrides: Partial<RunSummary> = {},
): RunSummary {
  const processors = samples[0]?.processors.length ?? 2;
  return {
    policy,
    durationTicks: samples[samples.length - 1]?.atTicks ?? 0,
    injected: 1000,
    delivered: 990,
    dropped: { "nic-missed": 10 },
    droppedTotal: 10,
    inFlight: 0,
    receiveGbps: 1.5,
    interruptsPerSecond: 12_345,
    processorUtilization: Array.from({ length: processors }, (_, p) => 0.1 * (p + 1)),
    processorUtilizationByKind: Array.from({ length: processors }, () => ({
      isr: 0.01,
      dpc: 0.05,
      switch: 0.04,
    })),
    processorsUsed: processors,
    latencyNs: { p50: 12_000, p99: 48_000 },
    queueMoves: 0,
    framesPerInterrupt: 4,
    outOfOrder: 0,
    duplicates: 0,
    perQueue: [{ queue: 0, frames: 990, p50Ns: 12_000, p99Ns: 48_000 }],
    perVector: [
      { vector: 0, processor: 0, interrupts: 250, frames: 990, framesPerInterrupt: 3.96 },
    ],
    moves: [],
    samples,
    ...overrides,
  };
}

/** Samples every 10 ms, from 10 ms on, one per entry of `placements` (queue -> processor). */
export function samplesOf(
  placements: readonly Record<number, number>[],
  processors = 2,
  extra: (i: number) => object = () => ({}),
): Sample[] {
  return placements.map((queueProcessor, i) => ({
    atTicks: (i + 1) * 10 * TICKS_PER_MS,
    processors: Array.from({ length: processors }, (_, p) =>
      cpu(0.05 * p, 0.2, 0.1, 100 * (p + 1)),
    ),
    queueProcessor,
    drops: {},
    ...extra(i),
  }));
}
