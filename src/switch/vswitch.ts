import type { Adapter } from "../driver/adapter.js";
import { macProblem, vlanProblem } from "../driver/filters.js";
import type { SendRequest } from "../driver/send-request.js";
import type { HostServices } from "../host/host-services.js";
import type { Scheduler } from "../kernel/scheduler.js";
import { TICKS_PER_MS, type Ticks } from "../kernel/ticks.js";
import { Delivery } from "./delivery.js";
import { ModerationController } from "./moderation/moderation-controller.js";
import {
  type ModerationPolicy,
  moderationPolicyProblem,
  resolveModerationPolicy,
} from "./moderation/moderation-policy.js";
import { ForwardingTable } from "./ports/forwarding-table.js";
import { Port, type PortSpec } from "./ports/port.js";
import { ReceivePath } from "./receive-path.js";
import { SendPath, type SendPathOptions } from "./send-path.js";
import { resolveSwitchCosts, type SwitchCostModel } from "./switch-costs.js";
import { newSwitchCounters, type SwitchCounters } from "./switch-counters.js";
import type { LoadSource } from "./vmq/load-monitor.js";
import { VmqManager } from "./vmq/vmq-manager.js";
import { resolveVmqOptions, type VmqOptions } from "./vmq/vmq-policy.js";

/** What a switch is built from and how it behaves. */
export interface VSwitchOptions {
  /** The external port's driver, initialized (running). */
  readonly adapter: Adapter;
  readonly host: HostServices;
  readonly scheduler: Scheduler;
  readonly vmq: VmqOptions;
  /** Interrupt moderation of queue vectors; default fixed at the driver's interval (none set). */
  readonly moderation?: ModerationPolicy;
  /** How often adaptive moderation samples; default 1 ms. */
  readonly moderationPeriodTicks?: Ticks;
  readonly costs?: Partial<SwitchCostModel>;
  /** Sends a port may have waiting; default 4096. */
  readonly sendBacklogLimit?: number;
  /** Sends per run of a port's send routine; default 64. */
  readonly sendBudget?: number;
  /** Processor busy cycles (for dynamic VMQ's "other" load); optional. */
  readonly processorCycles?: (processor: number) => number;
}

/**
 * A Hyper-V-style virtual switch over one NIC's driver: ports for VMs' vNICs (and the host's
 * own), switching by destination MAC and VLAN, floods within a VLAN, VM-to-VM traffic kept
 * off the wire, and VMQ: a hardware queue per vNIC, placed on processors by the chosen
 * policy (none, static, dynamic), with the queues of a processor sharing its vector and
 * that vector's moderation set by the switch.
 *
 * The switch reaches the NIC only through the driver: its receive indications and send
 * completions, `send`, and typed requests.
 */
export class VSwitch {
  readonly counters: SwitchCounters = newSwitchCounters();
  readonly costs: SwitchCostModel;
  readonly vmq: VmqManager;
  readonly moderation: ModerationController | null;
  private readonly moderationPolicy: ModerationPolicy | undefined;
  private readonly adapter: Adapter;
  private readonly host: HostServices;
  private readonly table = new ForwardingTable();
  private readonly receive: ReceivePath;
  private readonly sends: SendPath;
  private readonly ports: (Port | undefined)[] = [];
  private started = false;

  constructor(options: VSwitchOptions) {
    this.adapter = options.adapter;
    this.host = options.host;
    this.costs = resolveSwitchCosts(options.costs);
    const delivery = new Delivery(options.host);
    this.receive = new ReceivePath({
      host: options.host,
      costs: this.costs,
      table: this.table,
      counters: this.counters,
      delivery,
      queues: 128,
    });
    this.sends = new SendPath({
      host: options.host,
      adapter: options.adapter,
      table: this.table,
      costs: this.costs,
      counters: this.counters,
      delivery,
      options: sendOptions(options),
    });
    const processorCycles = options.processorCycles;
    const loadSource: LoadSource = {
      clockHz: options.host.clockHz,
      queueCycles: (queue) => options.adapter.queueInfo(queue)?.cycles,
      ...(processorCycles !== undefined ? { processorCycles } : {}),
    };
    this.vmq = new VmqManager({
      adapter: options.adapter,
      scheduler: options.scheduler,
      options: resolveVmqOptions(options.vmq, options.host.processorCount),
      receive: this.receive,
      loadSource,
    });
    this.moderationPolicy = options.moderation;
    this.moderation = this.moderationController(options);
  }

  /**
   * Connects the switch to the driver: takes its receive indications and send
   * completions, puts the default queue on the home processor, starts the policy's timers.
   * Throws a RangeError, before connecting, when a moderation interval is longer than the
   * driver takes.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error("the switch is already started");
    this.started = true;
    await this.checkModerationRange();
    this.adapter.onReceive = this.receive.indicate;
    this.adapter.onSendComplete = this.sends.complete;
    await this.vmq.start();
    this.moderation?.start();
  }

  /** Stops the policy's timers (traffic still flows). */
  stop(): void {
    this.vmq.stop();
    this.moderation?.stop();
  }

  /**
   * Adds a port and, under a VMQ policy, asks for its queue (settles once the driver
   * answered). Throws a RangeError for a bad address or VLAN, or an address already on
   * that VLAN.
   */
  async addPort(spec: PortSpec): Promise<Port> {
    const problem = macProblem(spec.mac) ?? vlanProblem(spec.vlan);
    if (problem !== null) throw new RangeError(`port ${spec.name}: ${problem}`);
    const id = this.ports.length;
    const processors = this.host.processorCount;
    const sendProcessor = spec.sendProcessor ?? id % processors;
    if (!Number.isInteger(sendProcessor) || sendProcessor < 0 || sendProcessor >= processors) {
      throw new RangeError(`port ${spec.name}: sendProcessor ${sendProcessor} not a processor`);
    }
    const port = new Port(id, spec, sendProcessor);
    const clash = this.table.conflict(port);
    if (clash !== undefined) {
      throw new RangeError(`port ${spec.name}: its address is port ${clash.name}'s on its VLAN`);
    }
    this.ports.push(port);
    this.table.add(port);
    await this.vmq.attach(port);
    return port;
  }

  /** Removes a port: no more frames to it, its waiting sends dropped, its queue freed. */
  async removePort(port: Port): Promise<void> {
    if (!port.active) return;
    port.active = false;
    this.table.remove(port);
    this.sends.discard(port);
    this.ports[port.id] = undefined;
    await this.vmq.detach(port);
  }

  /** Ports in use. */
  activePorts(): Port[] {
    return this.ports.filter((p): p is Port => p !== undefined);
  }

  /**
   * A VM sends `frames` from `port` (with their offload requests); returns how many the
   * port's backlog took (the rest are dropped as `send-queue-full`). The switch keeps the
   * requests until each is forwarded: do not change their bytes before that.
   */
  send(port: Port, frames: readonly SendRequest[]): number {
    return this.sends.submit(port, frames);
  }

  /** Frames and bytes the driver indicated per queue so far. */
  receivedByQueue(): { frames: Float64Array; bytes: Float64Array } {
    return { frames: this.receive.framesByQueue, bytes: this.receive.bytesByQueue };
  }

  private moderationController(options: VSwitchOptions): ModerationController | null {
    const policy = options.moderation;
    if (policy === undefined) return null;
    const problem = moderationPolicyProblem(policy);
    if (problem !== null) throw new RangeError(`moderation: ${problem}`);
    return new ModerationController({
      adapter: options.adapter,
      scheduler: options.scheduler,
      policy: resolveModerationPolicy(policy),
      receive: this.receive,
      periodTicks: options.moderationPeriodTicks ?? TICKS_PER_MS,
    });
  }

  /** The moderation policy's intervals against the driver's longest (its capabilities). */
  private async checkModerationRange(): Promise<void> {
    const policy = this.moderationPolicy;
    if (policy === undefined) return;
    const caps = await this.adapter.request({ kind: "query-capabilities" });
    if (!caps.ok) throw new Error(`moderation: the driver's capabilities: ${caps.error.message}`);
    const problem = moderationPolicyProblem(policy, caps.value.maxModerationUs);
    if (problem !== null) throw new RangeError(`moderation: ${problem} (the driver's limit)`);
  }
}

/** The send side's limits; throws a RangeError for a value it cannot run with. */
function sendOptions(options: VSwitchOptions): SendPathOptions {
  const backlogLimit = options.sendBacklogLimit ?? 4096;
  const budget = options.sendBudget ?? 64;
  if (!Number.isSafeInteger(backlogLimit) || backlogLimit < 0) {
    throw new RangeError(`sendBacklogLimit: ${backlogLimit} must be an integer >= 0`);
  }
  // A budget of 0 would reschedule the send routine forever without taking a send.
  if (!Number.isSafeInteger(budget) || budget < 1) {
    throw new RangeError(`sendBudget: ${budget} must be an integer >= 1`);
  }
  return { backlogLimit, budget };
}
