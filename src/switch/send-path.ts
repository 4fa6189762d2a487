import type { Adapter } from "../driver/adapter.js";
import { ReceivedFrameRecord } from "../driver/received-frame.js";
import type { SendRequest, SendStatus } from "../driver/send-request.js";
import type { HostServices } from "../host/host-services.js";
import type { Delivery } from "./delivery.js";
import { isGroupAt, macKeyAt } from "./frames/mac-key.js";
import { TaggedSends } from "./frames/tagged-sends.js";
import { NO_VLAN, VLAN_TAG_BYTES } from "./frames/vlan-tag.js";
import type { ForwardingTable } from "./ports/forwarding-table.js";
import type { Port } from "./ports/port.js";
import type { SwitchCostModel } from "./switch-costs.js";
import type { SwitchCounters } from "./switch-counters.js";

/** The shortest frame with its addresses and EtherType. */
const ETHERNET_HEADER_BYTES = 14;

/** The default queue: sends of ports without a queue of their own. */
const DEFAULT_TX_QUEUE = 0;

/** How the send side is tuned. */
export interface SendPathOptions {
  /** Sends a port may have waiting before new ones are dropped (`send-queue-full`). */
  readonly backlogLimit: number;
  /** Sends one run of a port's routine takes before it yields the processor. */
  readonly budget: number;
}

/**
 * The switch's send side. A VM's sends wait in its port's backlog; a routine on the port's
 * send processor (at DPC priority, where VMBus channel work runs) takes them in order:
 * frames for another port are copied there (VM to VM, no wire); the rest go to the
 * driver, on the port's own queue if it has one, else the default queue, with their LSO
 * and checksum requests. Broadcast and multicast go to both.
 *
 * When the driver's ring is full the routine stops with the rest still waiting, and the
 * driver's next completion on that queue runs it again: sends never reorder. Nor do they
 * when the port changes transmit queue (it got a queue of its own while sends sat in the
 * default queue's ring): the device serves rings in turn, so the port waits until its
 * sends on the old queue have completed before it sends on the new one.
 */
export class SendPath {
  private readonly host: HostServices;
  private readonly adapter: Adapter;
  private readonly table: ForwardingTable;
  private readonly costs: SwitchCostModel;
  private readonly counters: SwitchCounters;
  private readonly delivery: Delivery;
  private readonly options: SendPathOptions;
  /** Per transmit queue, the ports whose sends are waiting for room. */
  private readonly blocked = new Map<number, Set<Port>>();
  /** Per transmit queue, the port of each send the driver holds, oldest first. */
  private readonly inFlight = new Map<number, { ports: Port[]; head: number }>();
  /** Records presenting VM-to-VM frames to their receivers, reused from run to run. */
  private readonly records: ReceivedFrameRecord[] = [];
  private recordsUsed = 0;
  private readonly wire: SendRequest[] = [];
  private readonly tagging = new TaggedSends();
  /** Each port's send routine, as queued on its processor. */
  private readonly routines = new WeakMap<Port, () => void>();

  constructor(parts: {
    host: HostServices;
    adapter: Adapter;
    table: ForwardingTable;
    costs: SwitchCostModel;
    counters: SwitchCounters;
    delivery: Delivery;
    options: SendPathOptions;
  }) {
    this.host = parts.host;
    this.adapter = parts.adapter;
    this.table = parts.table;
    this.costs = parts.costs;
    this.counters = parts.counters;
    this.delivery = parts.delivery;
    this.options = parts.options;
  }

  /** Takes `requests` into `port`'s backlog; returns how many fit (the rest are dropped). */
  submit(port: Port, requests: readonly SendRequest[]): number {
    const room = port.active ? Math.max(0, this.options.backlogLimit - port.pendingSends) : 0;
    const taken = Math.min(room, requests.length);
    for (let i = 0; i < taken; i++) port.pending.push(requests[i]!);
    port.counters.sendsQueued += requests.length;
    this.counters.framesFromVms += requests.length;
    const dropped = requests.length - taken;
    this.counters.drops[port.active ? "send-queue-full" : "port-removed"] += dropped;
    if (taken > 0) this.schedule(port);
    return taken;
  }

  /** A removed port's waiting sends are dropped (`port-removed`). */
  discard(port: Port): void {
    this.counters.drops["port-removed"] += port.pendingSends;
    port.pending.length = 0;
    port.pendingHead = 0;
    port.headFlooded = false;
    for (const set of this.blocked.values()) set.delete(port);
  }

  /** The driver's send-completion handler: counts per port, wakes blocked ports. */
  readonly complete = (queue: number, statuses: readonly SendStatus[]): void => {
    const flight = this.inFlight.get(queue);
    for (const status of statuses) {
      const port = flight?.ports[flight.head++];
      if (port !== undefined && --port.txInFlight === 0) port.txQueue = -1;
      if (status === "sent") {
        if (port !== undefined) port.counters.sendsCompleted++;
      } else {
        if (port !== undefined) port.counters.sendsFailed++;
        this.counters.drops["send-failed"]++;
      }
    }
    if (flight !== undefined && flight.head > 1024 && flight.head * 2 > flight.ports.length) {
      flight.ports.splice(0, flight.head);
      flight.head = 0;
    }
    const waiting = this.blocked.get(queue);
    if (waiting === undefined || waiting.size === 0) return;
    for (const port of waiting) this.schedule(port);
    waiting.clear();
  };

  private schedule(port: Port): void {
    if (port.sendScheduled || !port.active) return;
    port.sendScheduled = true;
    let routine = this.routines.get(port);
    if (routine === undefined) {
      // One routine per port, made once: scheduling a batch allocates nothing.
      routine = () => this.run(port);
      this.routines.set(port, routine);
    }
    this.host.queueDpc(port.sendProcessor, routine);
  }

  /** One run of `port`'s send routine, on its send processor. */
  private run(port: Port): void {
    port.sendScheduled = false;
    if (!port.active) return;
    this.host.charge("switch", this.costs.batchCycles);
    this.recordsUsed = 0;
    const end = Math.min(port.pending.length, port.pendingHead + this.options.budget);
    let blocked = false;
    while (port.pendingHead < end && !blocked) blocked = !this.forward(port, end);
    this.delivery.flush();
    port.compactPending();
    if (!blocked && port.pendingSends > 0) this.schedule(port);
  }

  /**
   * Forwards sends from the head of `port`'s backlog up to `end`: a run of wire-bound
   * frames goes to the driver in one call, a local frame is delivered. Returns false when
   * the driver took only part of a run (the port then waits for a completion).
   */
  private forward(port: Port, end: number): boolean {
    const request = port.pending[port.pendingHead]!;
    const target = this.destination(port, request.bytes);
    if (target === "flood") return this.floodFromVm(port, request);
    if (target === undefined) return this.sendRun(port, end);
    // A frame with no Ethernet header, or addressed to its own sender, goes nowhere.
    if (target === port) this.counters.drops["unknown-destination"]++;
    else this.deliverLocally(port, target, request, true);
    port.advancePending(1);
    return true;
  }

  /**
   * Where a frame `port` sends goes: "flood" (a group address), the wire (undefined), or a
   * port; a frame too short for an Ethernet header goes back to `port` itself (nowhere).
   */
  private destination(port: Port, bytes: Uint8Array): Port | "flood" | undefined {
    if (bytes.length < ETHERNET_HEADER_BYTES) return port;
    if (isGroupAt(bytes, 0)) return "flood";
    return this.table.lookup(port.vlan, macKeyAt(bytes, 0));
  }

  /**
   * Sends the head of the backlog, which `forward` found wire-bound, with the wire-bound
   * frames after it (up to one that is not, or `end`).
   */
  private sendRun(port: Port, end: number): boolean {
    const wire = this.startWireBatch();
    wire.push(this.tagged(port, port.pending[port.pendingHead]!));
    for (let i = port.pendingHead + 1; i < end; i++) {
      const request = port.pending[i]!;
      if (this.destination(port, request.bytes) !== undefined) break;
      wire.push(this.tagged(port, request));
    }
    const accepted = this.toDriver(port, wire);
    port.advancePending(accepted);
    return accepted === wire.length;
  }

  /**
   * A group frame: a copy to every other port on the VLAN, then one to the wire. When the
   * driver has no room for the wire copy the frame stays at the head, marked, and the retry
   * makes no second round of local copies.
   */
  private floodFromVm(port: Port, request: SendRequest): boolean {
    if (!port.headFlooded) {
      // The lookup is paid with the wire copy (`chargeForwarding`), once per flood.
      for (const target of this.table.portsOn(port.vlan)) {
        if (target === port) continue;
        this.deliverLocally(port, target, request, false);
        this.counters.floodCopies++;
      }
      port.headFlooded = true;
    }
    const wire = this.startWireBatch();
    wire.push(this.tagged(port, request));
    if (this.toDriver(port, wire) === 0) return false;
    port.advancePending(1);
    return true;
  }

  /** Copies `request` to `to`; `unicast` counts it as switched (a flood copy is not). */
  private deliverLocally(from: Port, to: Port, request: SendRequest, unicast: boolean): void {
    const record = this.record();
    record.bytes = request.bytes;
    record.length = request.bytes.length;
    record.vlanTci = to.vlan === NO_VLAN ? -1 : to.vlan;
    record.receivedAtTicks = this.host.nowTicks();
    this.host.charge("switch", this.costs.lookupCycles + this.costs.copyByteCycles * record.length);
    if (unicast) {
      from.counters.sendsSwitchedLocally++;
      this.counters.switchedLocally++;
    }
    this.delivery.stage(to, record);
  }

  /**
   * Hands `frames` to the driver; returns how many it took (none while the port's earlier
   * sends are still on another queue), and remembers whose they are.
   */
  private toDriver(port: Port, frames: readonly SendRequest[]): number {
    if (frames.length === 0) return 0;
    const queue = this.txQueueOf(port);
    if (port.txInFlight > 0 && port.txQueue !== queue) {
      this.block(port, port.txQueue);
      return 0;
    }
    const accepted = this.adapter.send(queue, frames);
    let flight = this.inFlight.get(queue);
    if (flight === undefined) {
      flight = { ports: [], head: 0 };
      this.inFlight.set(queue, flight);
    }
    for (let i = 0; i < accepted; i++) {
      flight.ports.push(port);
      this.chargeForwarding(port, frames[i]!);
    }
    if (accepted > 0) {
      port.txQueue = queue;
      port.txInFlight += accepted;
    }
    port.counters.sendsToWire += accepted;
    this.counters.sentToWire += accepted;
    if (accepted < frames.length) this.block(port, queue);
    return accepted;
  }

  /** `port` runs again at `queue`'s next send completion. */
  private block(port: Port, queue: number): void {
    let set = this.blocked.get(queue);
    if (set === undefined) {
      set = new Set();
      this.blocked.set(queue, set);
    }
    set.add(port);
  }

  /** The port's own queue while it has one, else the default queue. */
  private txQueueOf(port: Port): number {
    return port.queue >= 0 ? port.queue : DEFAULT_TX_QUEUE;
  }

  /** An empty batch for the driver (the tagged copies of the previous one are reused). */
  private startWireBatch(): SendRequest[] {
    this.wire.length = 0;
    this.tagging.reset();
    return this.wire;
  }

  /** `request` with the port's VLAN tag added (a copy, valid for this batch), or itself. */
  private tagged(port: Port, request: SendRequest): SendRequest {
    return port.vlan === NO_VLAN ? request : this.tagging.tag(request, port.vlan);
  }

  /**
   * The switch's cost of a frame the driver took: the lookup that found it wire-bound and,
   * for an access port, the copy that tagged it. Charged once, when the driver takes it (a
   * frame the driver refused is looked at again, and paid for, when it goes).
   */
  private chargeForwarding(port: Port, frame: SendRequest): void {
    const copied = frame.bytes.length - VLAN_TAG_BYTES;
    const tagCycles = port.vlan === NO_VLAN ? 0 : this.costs.copyByteCycles * copied;
    this.host.charge("switch", this.costs.lookupCycles + tagCycles);
  }

  /**
   * A record for a VM-to-VM frame: it never met the NIC, so it has no queue (-1) and
   * nothing was hashed, filtered or checked (the record's defaults).
   */
  private record(): ReceivedFrameRecord {
    let record = this.records[this.recordsUsed];
    if (record === undefined) {
      record = new ReceivedFrameRecord();
      record.queue = -1;
      this.records.push(record);
    }
    this.recordsUsed++;
    return record;
  }
}
