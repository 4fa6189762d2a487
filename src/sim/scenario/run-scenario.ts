import { msToTicks, TICKS_PER_MS, type Ticks } from "../../kernel/ticks.js";
import type { VmqPolicyName } from "../../switch/vmq/vmq-policy.js";
import { type RunSummary, summarize } from "../metrics/run-summary.js";
import { type FlowPath, Testbed, type TestbedConfig, type Vm } from "../testbed.js";
import type { GeneratedFlow } from "../traffic/flow.js";
import type { TrafficPhase } from "../traffic/rate-schedule.js";
import { macBytes } from "./mac-address.js";
import { PcapFile } from "./pcap-file.js";
import type { Scenario, ScenarioFlow, ScenarioVm } from "./scenario.js";
import { WIRE } from "./schema-vms.js";
import { timeline } from "./timeline.js";

export interface RunOptions {
  /** Called as simulated time advances, with the share of the run done (0..1). */
  readonly onProgress?: ((fraction: number) => void) | undefined;
  /** Write a capture of the NIC's wire (both directions) to this file. */
  readonly pcapPath?: string | undefined;
  /** Bytes kept per captured frame (default: whole frames). */
  readonly pcapSnaplen?: number | undefined;
  /** Run this long instead of the scenario's durationMs (e.g. shorter, for CI). */
  readonly durationMs?: number | undefined;
}

/**
 * The step in which time advances while the run waits for a request (a VM's queue): small,
 * so that the scenario goes on soon after the answer.
 */
const REQUEST_STEP_TICKS = TICKS_PER_MS / 100;

/** The testbed a scenario describes, under `policy`. */
export function testbedConfig(scenario: Scenario, policy: VmqPolicyName): TestbedConfig {
  const { host, nic, policy: p } = scenario;
  return {
    host: { processors: host.processors, clockHz: host.clockHz, costs: host.costs },
    nic: {
      queues: nic.queues,
      vectors: nic.vectors,
      linkSpeedMbps: nic.linkSpeedGbps * 1000,
      rxPacketBufferBytes: nic.rxPacketBufferKiB * 1024,
    },
    driver: {
      rxRingSize: nic.ringSize,
      txRingSize: nic.ringSize,
      rxBufferBytes: nic.rxBufferBytes,
      moderationUs: nic.moderationUs,
    },
    vmq: {
      policy,
      processorSet: { ...p.processorSet, hyperThreading: host.hyperThreading },
      dynamic: p.dynamic,
      intervalTicks: msToTicks(p.intervalMs),
    },
    ...(p.moderation !== undefined ? { moderation: p.moderation } : {}),
    switchCosts: scenario.switchCosts,
  };
}

/**
 * Runs `scenario` under `policy`: builds the testbed, adds and removes VMs and starts and
 * stops flows at their times, advances to the end of the run, drains every frame in flight
 * and sums the run up. Deterministic: the same scenario and policy give the same summary.
 */
export async function runScenario(
  scenario: Scenario,
  policy: VmqPolicyName,
  options: RunOptions = {},
): Promise<RunSummary> {
  const durationMs = options.durationMs ?? scenario.durationMs;
  if (!(Number.isFinite(durationMs) && durationMs > 0)) {
    throw new RangeError(`durationMs: ${durationMs} — expected a positive number of ms`);
  }
  const bed = await Testbed.create(testbedConfig(scenario, policy));
  const pcap =
    options.pcapPath !== undefined ? new PcapFile(options.pcapPath, options.pcapSnaplen) : null;
  if (pcap !== null) bed.nic.wire.tap((_dir, frame, length, at) => pcap.record(at, frame, length));
  try {
    const run = new ScenarioRun(bed, scenario, msToTicks(durationMs), options.onProgress);
    await run.play();
    // The run is over: no policy decision belongs to the drain that follows.
    bed.vswitch.vmq.stop();
    await bed.drain();
    await run.settleRemovals();
    options.onProgress?.(1);
    return summarize(bed, policy, run.durationTicks);
  } finally {
    pcap?.close();
  }
}

/** One run in progress: the testbed, the scenario's VMs and flows on it, and the clock. */
class ScenarioRun {
  private readonly vms = new Map<string, Vm>();
  private readonly flows = new Map<ScenarioFlow, GeneratedFlow>();
  private readonly removals: Promise<void>[] = [];
  private readonly startTicks: Ticks;

  constructor(
    private readonly bed: Testbed,
    private readonly scenario: Scenario,
    readonly durationTicks: Ticks,
    private readonly onProgress: ((fraction: number) => void) | undefined,
  ) {
    this.startTicks = bed.scheduler.nowTicks;
  }

  /** Runs to the end, applying each event at its time. */
  async play(): Promise<void> {
    const end = this.startTicks + this.durationTicks;
    for (const event of timeline(this.scenario)) {
      const at = this.startTicks + msToTicks(event.atMs);
      if (at >= end) break;
      await this.advanceTo(at);
      if (event.kind === "join") await this.join(event.vm);
      else if (event.kind === "leave") this.leave(event.vm);
      else if (event.kind === "start-flow") this.start(event.flow);
      else this.flows.get(event.flow)?.stop();
    }
    await this.advanceTo(end);
  }

  /** Waits (advancing time if they need it) for every VM removal to finish. */
  async settleRemovals(): Promise<void> {
    await this.bed.settle(Promise.all(this.removals), "removing VMs", REQUEST_STEP_TICKS);
  }

  private async advanceTo(at: Ticks): Promise<void> {
    const now = this.bed.scheduler.nowTicks;
    if (at <= now) return;
    const report = this.onProgress;
    await this.bed.advance(
      at - now,
      report === undefined
        ? undefined
        : (t) => report(Math.min(1, (t - this.startTicks) / this.durationTicks)),
    );
  }

  private async join(vm: ScenarioVm): Promise<void> {
    const added = this.bed.addVm(vm.name, macBytes(vm.mac), vm.vlan, vm.sendProcessor, vm.kind);
    const joined = await this.bed.settle(added, `adding VM ${vm.name}`, REQUEST_STEP_TICKS);
    this.vms.set(vm.name, joined);
  }

  /** The VM goes: its flows have stopped; its port and queue are released in the background. */
  private leave(vm: ScenarioVm): void {
    const onBed = this.vms.get(vm.name);
    if (onBed === undefined) return;
    this.vms.delete(vm.name);
    const removal = this.bed.removeVm(onBed);
    // Awaited in settleRemovals; a failure must not surface earlier as unhandled.
    removal.catch(() => {});
    this.removals.push(removal);
  }

  private start(flow: ScenarioFlow): void {
    const from = flow.from === WIRE ? WIRE : this.vms.get(flow.from);
    const to = flow.to === WIRE ? WIRE : this.vms.get(flow.to);
    if (from === undefined || to === undefined) return;
    let path: FlowPath;
    if (from === WIRE) {
      if (to === WIRE) return;
      path = { from, to };
    } else {
      path =
        flow.lsoMss !== undefined ? { from, to, offload: { lsoMss: flow.lsoMss } } : { from, to };
    }
    // Frames from the wire to a VM on a VLAN carry its tag; a VM's own frames are untagged.
    const vlan =
      from === WIRE ? this.scenario.vms.find((vm) => vm.name === flow.to)?.vlan : undefined;
    const generated = this.bed.addFlow(
      {
        name: flow.name,
        ip: flow.ip,
        l4: flow.l4,
        connections: flow.connections,
        ...(vlan !== undefined ? { vlan } : {}),
        phases: flow.phases.map((p) => this.phase(p)),
      },
      path,
    );
    this.flows.set(flow, generated);
  }

  private phase(p: ScenarioFlow["phases"][number]): TrafficPhase {
    return {
      fromTicks: this.startTicks + msToTicks(p.atMs),
      toTicks: this.startTicks + msToTicks(p.untilMs),
      framesPerSecond: p.framesPerSecond,
      frameBytes: p.frameBytes,
      burstFrames: p.burstFrames,
    };
  }
}
