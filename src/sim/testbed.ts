import { HostMemory } from "../bus/host-memory.js";
import { Adapter } from "../driver/adapter.js";
import type { AdapterOptions } from "../driver/adapter-config.js";
import type { MacAddress } from "../driver/filters.js";
import type { SendOffload, SendRequest } from "../driver/send-request.js";
import { Host } from "../host/host.js";
import type { CostModel } from "../host/host-services.js";
import { LatencyHistogram } from "../host/latency-histogram.js";
import type { DeviceParams } from "../hw/device-params.js";
import { Nic } from "../hw/nic.js";
import { Scheduler } from "../kernel/scheduler.js";
import { runUntilSettled } from "../kernel/settle.js";
import { TICKS_PER_MS, type Ticks } from "../kernel/ticks.js";
import type { ModerationPolicy } from "../switch/moderation/moderation-policy.js";
import { resolveProcessorSet } from "../switch/policy/processor-set.js";
import type { Port, PortKind } from "../switch/ports/port.js";
import type { SwitchCostModel } from "../switch/switch-costs.js";
import type { VmqOptions } from "../switch/vmq/vmq-policy.js";
import { VSwitch } from "../switch/vswitch.js";
import { MetricsSampler } from "./metrics/metrics-sampler.js";
import { dropsByReason, frameAccounting } from "./metrics/run-summary.js";
import { type FlowSpec, GeneratedFlow } from "./traffic/flow.js";
import { FlowChecker } from "./traffic/flow-checker.js";

/** The MAC address of the peer at the far end of the wire. */
export const PEER_MAC: MacAddress = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x01];

/** Everything a testbed is built from. */
export interface TestbedConfig {
  readonly host: {
    readonly processors: number;
    readonly clockHz?: number;
    readonly costs?: Partial<CostModel>;
  };
  readonly nic?: Partial<
    Pick<
      DeviceParams,
      "queues" | "vectors" | "linkSpeedMbps" | "rxPacketBufferBytes" | "txPacketBufferBytes"
    >
  >;
  readonly driver?: Pick<
    AdapterOptions,
    "rxRingSize" | "txRingSize" | "rxBufferBytes" | "rxBudget" | "moderationUs"
  >;
  readonly vmq: VmqOptions;
  readonly moderation?: ModerationPolicy;
  readonly switchCosts?: Partial<SwitchCostModel>;
  /** Sends a VM's port may have waiting (the switch's default: 4096). */
  readonly sendBacklogLimit?: number;
  /** Sends per run of a port's send routine (the switch's default: 64). */
  readonly sendBudget?: number;
  /** Metrics sample period; default 10 ms. */
  readonly sampleTicks?: Ticks;
}

/** A VM on the testbed: its switch port and what it received. */
export interface Vm {
  readonly name: string;
  readonly port: Port;
  readonly received: FlowChecker;
}

/** Where a generated flow goes: from the wire to a VM, from a VM to the wire or to a VM. */
export type FlowPath =
  | { readonly from: "wire"; readonly to: Vm }
  | { readonly from: Vm; readonly to: "wire" | Vm; readonly offload?: SendOffload };

/** Simulated time run per step between settling the control path's promises. */
const CHUNK_TICKS = TICKS_PER_MS;
/** Simulated time a control-path request may take before the wait for it gives up. */
const REQUEST_PATIENCE_TICKS = 100 * TICKS_PER_MS;

/**
 * The whole system on one scheduler: the NIC and its wire, host memory, the host's
 * processors, the driver, the virtual switch with its VMs, traffic generators at the
 * wire's far end and in VMs, receivers that check every frame, and a metrics sampler.
 * Deterministic: built and run twice, it gives identical results.
 */
export class Testbed {
  readonly scheduler = new Scheduler();
  readonly memory = new HostMemory();
  readonly nic: Nic;
  readonly host: Host;
  readonly adapter: Adapter;
  readonly vswitch: VSwitch;
  readonly metrics: MetricsSampler;
  /** What the peer received from the NIC. */
  readonly wireReceived = new FlowChecker();
  readonly vms: Vm[] = [];
  /** Frames from the wire delivered to VMs, by the processor whose DPC indicated them. */
  readonly framesByProcessor: number[];
  /** Latency of frames delivered to VMs, by the hardware queue they arrived in (-1: VM to VM). */
  readonly queueLatency = new Map<number, LatencyHistogram>();
  readonly flows: GeneratedFlow[] = [];
  readonly config: TestbedConfig;
  /** The one-request array a VM's generator sends through. */
  private readonly sendScratch: SendRequest[] = [];

  private constructor(config: TestbedConfig) {
    this.config = config;
    this.framesByProcessor = new Array<number>(config.host.processors).fill(0);
    this.nic = new Nic(this.scheduler, this.memory, config.nic ?? {});
    this.host = new Host(this.scheduler, this.memory, {
      processors: config.host.processors,
      ...(config.host.clockHz !== undefined ? { clockHz: config.host.clockHz } : {}),
      ...(config.host.costs !== undefined ? { costs: config.host.costs } : {}),
    });
    this.host.attach(this.nic);
    const home = resolveProcessorSet({
      ...config.vmq.processorSet,
      processors: config.host.processors,
    }).home;
    this.adapter = new Adapter({
      mmio: this.nic.mmio,
      host: this.host,
      scheduler: this.scheduler,
      ...config.driver,
      rssBaseProcessor: home,
      indicateInPlace: true,
      dropWhenRingFull: true,
    });
    this.vswitch = new VSwitch({
      adapter: this.adapter,
      host: this.host,
      scheduler: this.scheduler,
      vmq: config.vmq,
      ...(config.moderation !== undefined ? { moderation: config.moderation } : {}),
      ...(config.switchCosts !== undefined ? { costs: config.switchCosts } : {}),
      ...(config.sendBacklogLimit !== undefined
        ? { sendBacklogLimit: config.sendBacklogLimit }
        : {}),
      ...(config.sendBudget !== undefined ? { sendBudget: config.sendBudget } : {}),
      processorCycles: (p) => this.host.processor(p).busyCycles,
    });
    this.nic.wire.onTransmit((frame, length, at) => this.wireReceived.check(frame, 0, length, at));
    this.metrics = new MetricsSampler(this, config.sampleTicks ?? 10 * TICKS_PER_MS);
  }

  /** Builds the testbed and brings the driver and the switch up. */
  static async create(config: TestbedConfig): Promise<Testbed> {
    const bed = new Testbed(config);
    const result = await bed.settle(bed.adapter.initialize(), "driver initialization");
    if (!result.ok) throw new Error(`driver initialization failed: ${result.error.message}`);
    await bed.vswitch.start();
    bed.metrics.start();
    return bed;
  }

  /**
   * `promise`'s value (or its error), advancing simulated time `stepTicks` at a time until
   * it settles: a control-path request waits on the model (a reset, a queue's receives
   * coming back). Throws when REQUEST_PATIENCE_TICKS of simulated time have not settled it.
   */
  settle<T>(promise: Promise<T>, what: string, stepTicks: Ticks = CHUNK_TICKS): Promise<T> {
    return runUntilSettled(promise, () => this.advance(stepTicks), {
      what,
      maxSteps: Math.ceil(REQUEST_PATIENCE_TICKS / stepTicks),
    });
  }

  /** Every drop so far, by reason (see `dropsByReason` in metrics/run-summary.ts). */
  dropsByReason(): Record<string, number> {
    return dropsByReason(this);
  }

  /** Adds a VM with a port on the switch (and, under VMQ, a queue if one is left). */
  async addVm(
    name: string,
    mac: MacAddress,
    vlan?: number,
    sendProcessor?: number,
    kind: PortKind = "vm",
  ): Promise<Vm> {
    const received = new FlowChecker();
    const port = await this.vswitch.addPort({
      name,
      mac,
      kind,
      ...(vlan !== undefined ? { vlan } : {}),
      ...(sendProcessor !== undefined ? { sendProcessor } : {}),
      receiver: (_port, frames, at) => {
        for (const f of frames) {
          const latency = received.check(f.bytes, f.offset, f.length, at);
          if (f.queue >= 0) this.countOnProcessor();
          if (latency >= 0) this.latencyOf(f.queue).record(latency);
        }
      },
    });
    const vm = { name, port, received };
    this.vms.push(vm);
    return vm;
  }

  private countOnProcessor(): void {
    const p = this.host.currentProcessor();
    if (p !== undefined) this.framesByProcessor[p] = (this.framesByProcessor[p] ?? 0) + 1;
  }

  private latencyOf(queue: number): LatencyHistogram {
    let histogram = this.queueLatency.get(queue);
    if (histogram === undefined) {
      histogram = new LatencyHistogram();
      this.queueLatency.set(queue, histogram);
    }
    return histogram;
  }

  /** Removes a VM: its port goes, its queue is freed. */
  async removeVm(vm: Vm): Promise<void> {
    await this.vswitch.removePort(vm.port);
  }

  /** Adds a generated flow on `path` and starts it at the current time. */
  addFlow(spec: Omit<FlowSpec, "dst" | "src">, path: FlowPath): GeneratedFlow {
    const dst = path.to === "wire" ? PEER_MAC : path.to.port.mac;
    const src = path.from === "wire" ? PEER_MAC : path.from.port.mac;
    const full: FlowSpec = { ...spec, dst, src, fromWire: path.from === "wire" };
    const id = this.flows.length + 1;
    const flow =
      path.from === "wire"
        ? new GeneratedFlow(this.scheduler, id, full, (frame, length) =>
            this.nic.wire.inject(frame, 0, length),
          )
        : new GeneratedFlow(this.scheduler, id, full, (frame, length) => {
            // The switch keeps the request (and its bytes) but not the array.
            const bytes = frame.slice(0, length);
            const scratch = this.sendScratch;
            scratch[0] = path.offload !== undefined ? { bytes, offload: path.offload } : { bytes };
            return this.vswitch.send(path.from.port, scratch) === 1;
          });
    this.flows.push(flow);
    flow.start(this.scheduler.nowTicks);
    return flow;
  }

  /** Runs `ticks` of simulated time, settling the control path between 1 ms steps. */
  async advance(ticks: Ticks, onProgress?: (nowTicks: Ticks) => void): Promise<void> {
    const end = this.scheduler.nowTicks + ticks;
    while (this.scheduler.nowTicks < end) {
      this.scheduler.runUntil(Math.min(end, this.scheduler.nowTicks + CHUNK_TICKS));
      await letContinuationsRun();
      onProgress?.(this.scheduler.nowTicks);
    }
  }

  /**
   * Stops every generator and runs until every frame made is delivered or counted as
   * dropped (`frameAccounting`), or `graceTicks` passed.
   */
  async drain(graceTicks: Ticks = 50 * TICKS_PER_MS): Promise<void> {
    for (const flow of this.flows) flow.stop();
    const end = this.scheduler.nowTicks + graceTicks;
    while (
      this.scheduler.nowTicks < end &&
      (frameAccounting(this).inFlight > 0 || transmittingIn(this))
    ) {
      await this.advance(CHUNK_TICKS);
    }
    this.vswitch.stop();
    this.metrics.stop();
  }
}

/**
 * True while frames the driver took for the wire have not all left: the accounting counts
 * a frame sent to the wire once the switch hands it to the driver, and the wire (and a
 * capture of it) sees it only after the NIC has fetched and transmitted it.
 */
function transmittingIn(bed: Testbed): boolean {
  if (bed.nic.wire.fromNic.framesQueued > 0) return true;
  for (const q of bed.adapter.activeQueues()) {
    if ((bed.adapter.queueInfo(q)?.txPendingSends ?? 0) > 0) return true;
  }
  return false;
}

/** Lets promise continuations (requests that settled) run. */
async function letContinuationsRun(): Promise<void> {
  for (let i = 0; i < 4; i++) await Promise.resolve();
}
