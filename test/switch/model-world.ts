import { expect } from "vitest";
import type { SendOffload } from "../../src/driver/send-request.js";
import { TICKS_PER_MS, TICKS_PER_US } from "../../src/kernel/ticks.js";
import { summarize } from "../../src/sim/metrics/run-summary.js";
import { PEER_MAC, type Testbed, type Vm } from "../../src/sim/testbed.js";
import type { GeneratedFlow } from "../../src/sim/traffic/flow.js";
import type { Port } from "../../src/switch/ports/port.js";
import type { VmqPolicyName } from "../../src/switch/vmq/vmq-policy.js";
import { settleOn, smallBed, vmMac } from "./rig-bed.js";

/**
 * The world of the switch model test: a real testbed (NIC, driver, host, switch) and,
 * beside it, the test's own account of it: which VMs live with which address and VLAN,
 * which of them should hold a VMQ queue (first come, first served), every flow with where
 * its frames may go, and every frame that reached a VM or the wire, read from the
 * generator's signature by the test's own reader. The invariants compare the two.
 */

/** What a run is built with. */
export interface WorldConfig {
  readonly policy: VmqPolicyName;
  readonly queues: 2 | 4 | 8;
  readonly backlogLimit: number;
  /** Sends per run of a port's send routine. */
  readonly sendBudget: number;
  /**
   * A switch whose per-frame work is cheap: its send routine then outpaces the wire, so
   * sends pile up in the driver's rings (where a change of queue could reorder them).
   */
  readonly cheapSwitch: boolean;
  /** A slow link and a small transmit packet buffer let sends queue in the driver's rings. */
  readonly linkSpeedMbps: 1000 | 10_000;
  readonly txPacketBufferBytes: number;
}

/** Dynamic VMQ tuned to act within a few short intervals (so that steps move queues). */
const DYNAMIC = {
  upperThreshold: 0.3,
  packingCeiling: 0.2,
  lowerThreshold: 0.05,
  upIntervals: 1,
  downIntervals: 1,
  cooldownIntervals: 0,
  ewmaWeight: 1,
};
export const INTERVAL_TICKS = 500 * TICKS_PER_US;

/** VLANs VMs and frames use (undefined: none). */
export const VLANS = [undefined, 10, 20] as const;
export type VlanChoice = (typeof VLANS)[number];

/** A VM the test added and has not removed. */
export interface LiveVm {
  readonly vm: Vm;
  readonly mac: number;
  readonly vlan: VlanChoice;
}

type Origin = { readonly kind: "wire" } | { readonly kind: "vm"; readonly sender: LiveVm };

/** A flow and what the test knows of where its frames must go. */
interface FlowRecord {
  readonly flow: GeneratedFlow;
  readonly origin: Origin;
  /** The destination's address (pool index, or the peer: -1) and VLAN. */
  readonly dstMac: number;
  readonly dstVlan: VlanChoice;
  /** Versions of the destination key and of the sender when the flow started. */
  readonly keyVersion: number;
  readonly senderVersion: number;
  /** True when its sends are invalid for the driver (they must all fail). */
  readonly invalid: boolean;
}

const MAGIC = 0x4e534947;

/** Flow id and sequence number from the last 20 bytes, or null (the test's own reader). */
function signatureOf(
  b: Uint8Array,
  offset: number,
  length: number,
): { flow: number; seq: number } | null {
  if (length < 20) return null;
  const v = new DataView(b.buffer, b.byteOffset + offset + length - 20, 20);
  if (v.getUint32(0) !== MAGIC) return null;
  return { flow: v.getUint32(4), seq: v.getUint32(8) };
}

function keyOf(mac: number, vlan: VlanChoice): string {
  return `${mac}/${vlan ?? 0}`;
}

function macIndexOf(bytes: Uint8Array, offset = 0): number {
  const peer = PEER_MAC.every((x, i) => bytes[offset + i] === x);
  if (peer) return -1;
  const pool = vmMac(0);
  const same = pool.slice(0, 5).every((x, i) => bytes[offset + i] === x);
  return same ? bytes[offset + 5]! - 1 : -2;
}

/** The world: model and real system in one (the command test's "model" and "real"). */
export class SwitchWorld {
  readonly config: WorldConfig;
  bed!: Testbed;
  readonly live: LiveVm[] = [];
  /** Every VM ever added (removed ones too), for stale destinations. */
  readonly everyVm: LiveVm[] = [];
  private readonly flows: FlowRecord[] = [];
  /** Bumped at each add or remove of an address/VLAN pair, and of a VM. */
  private readonly keyVersions = new Map<string, number>();
  private readonly vmVersions = new Map<LiveVm, number>();
  /** FCFS model: VMs that should hold a queue, and those waiting, oldest first. */
  private readonly holders = new Set<LiveVm>();
  private readonly waiting: LiveVm[] = [];
  /** Frames received per flow (VMs and wire), and the last sequence per receiver and flow. */
  private readonly received = new Map<number, number>();
  private readonly order = new Map<string, OrderState>();
  private readonly violations: string[] = [];
  private names = 0;
  /** Observations over the run, for the test's non-vacuity checks. */
  readonly stats = { handoffs: 0, clashes: 0, allocationReorders: 0, overlapReorders: 0 };

  constructor(config: WorldConfig) {
    this.config = config;
  }

  /**
   * Live VMs, those waiting for a queue first: the senders whose sends change queue
   * when they are given one (commands' small choices, which shrinking prefers, pick them).
   */
  get waitingFirst(): LiveVm[] {
    return [...this.waiting, ...this.live.filter((l) => !this.waiting.includes(l))];
  }

  /** Live VMs, those holding a queue first: removing them hands a queue on. */
  get holdersFirst(): LiveVm[] {
    const held = (l: LiveVm) => this.holders.has(l);
    return [...this.live.filter(held), ...this.live.filter((l) => !held(l))];
  }

  /** VMQ queues the switch may hold: every queue but the default (no RSS queues). */
  get capacity(): number {
    return this.config.policy === "none" ? 0 : this.config.queues - 1;
  }

  async start(): Promise<void> {
    this.bed = await smallBed(this.config.policy, {
      nic: {
        queues: this.config.queues,
        linkSpeedMbps: this.config.linkSpeedMbps,
        txPacketBufferBytes: this.config.txPacketBufferBytes,
      },
      sendBacklogLimit: this.config.backlogLimit,
      sendBudget: this.config.sendBudget,
      ...(this.config.cheapSwitch
        ? { switchCosts: { lookupCycles: 100, vmqFrameCycles: 50 } }
        : {}),
      vmq: { intervalTicks: INTERVAL_TICKS, dynamic: DYNAMIC },
    });
    this.bed.nic.wire.onTransmit((frame, length) => this.onWire(frame, length));
  }

  /** Adds a VM; an address already on that VLAN must be refused with a RangeError. */
  async addVm(mac: number, vlan: VlanChoice): Promise<void> {
    const name = `vm${this.names++}`;
    const clash = this.live.some((l) => l.mac === mac && l.vlan === vlan);
    const adding = this.bed.addVm(name, [...vmMac(mac)], vlan);
    if (clash) {
      this.stats.clashes++;
      await expect(settleOn(this.bed, adding)).rejects.toThrow(RangeError);
      return;
    }
    // The port takes frames as soon as it is added, before its queue request settles.
    const port = this.bed.vswitch.activePorts().find((p) => p.name === name);
    if (port === undefined) throw new Error(`${name} has no port`);
    this.wrapReceiver(port, mac);
    const vm = await settleOn(this.bed, adding);
    expect(vm.port).toBe(port);
    const l: LiveVm = { vm, mac, vlan };
    this.live.push(l);
    this.everyVm.push(l);
    this.bump(keyOf(mac, vlan));
    this.vmVersions.set(l, 0);
    if (this.holders.size < this.capacity) this.holders.add(l);
    else if (this.config.policy !== "none") this.waiting.push(l);
  }

  async removeVm(l: LiveVm): Promise<void> {
    this.live.splice(this.live.indexOf(l), 1);
    this.bump(keyOf(l.mac, l.vlan));
    this.vmVersions.set(l, 1);
    if (this.holders.delete(l)) {
      const next = this.waiting.shift();
      if (next !== undefined) {
        this.holders.add(next);
        this.stats.handoffs++;
      }
    } else {
      const at = this.waiting.indexOf(l);
      if (at >= 0) this.waiting.splice(at, 1);
    }
    // Even while dynamic VMQ is moving its queue (vmq-manager.ts `detach` waits for the move).
    await settleOn(this.bed, this.bed.removeVm(l.vm));
  }

  /** `n` frames from the peer to `to`'s address, tagged with `vlan`, sent at once. */
  wireBurst(to: LiveVm, vlan: VlanChoice, n: number, shape: FrameShape): void {
    const flow = this.bed.addFlow(
      { name: `w${this.flows.length}`, vlan, ...shape, phases: [burst(this.now, n, shape)] },
      { from: "wire", to: to.vm },
    );
    this.record(flow, { kind: "wire" }, to.mac, vlan, false);
  }

  /** A steady stream from the peer to `to` for `durationTicks` (load for the policy). */
  wireLoad(to: LiveVm, framesPerSecond: number, durationTicks: number, shape: FrameShape): void {
    const phase = steady(this.now, framesPerSecond, durationTicks, shape);
    const flow = this.bed.addFlow(
      { name: `l${this.flows.length}`, vlan: to.vlan, ...shape, phases: [phase] },
      { from: "wire", to: to.vm },
    );
    this.record(flow, { kind: "wire" }, to.mac, to.vlan, false);
  }

  /** A steady stream from a VM to the peer for `durationTicks`. */
  vmLoad(from: LiveVm, framesPerSecond: number, durationTicks: number, shape: FrameShape): void {
    const phase = steady(this.now, framesPerSecond, durationTicks, shape);
    const flow = this.bed.addFlow(
      { name: `s${this.flows.length}`, ...shape, phases: [phase] },
      { from: from.vm, to: "wire" },
    );
    this.record(flow, { kind: "vm", sender: from }, -1, from.vlan, false);
  }

  /** `n` frames `from` sends at once to the peer or to `to`'s address, with `offload`. */
  vmBurst(
    from: LiveVm,
    to: LiveVm | "wire",
    n: number,
    shape: FrameShape,
    offload: SendOffload | undefined,
    invalid: boolean,
  ): void {
    const flow = this.bed.addFlow(
      { name: `v${this.flows.length}`, ...shape, phases: [burst(this.now, n, shape)] },
      {
        from: from.vm,
        to: to === "wire" ? "wire" : to.vm,
        ...(offload !== undefined ? { offload } : {}),
      },
    );
    const dstMac = to === "wire" ? -1 : to.mac;
    this.record(flow, { kind: "vm", sender: from }, dstMac, from.vlan, invalid);
  }

  async advance(ticks: number): Promise<void> {
    await this.bed.advance(ticks);
  }

  get now(): number {
    return this.bed.scheduler.nowTicks;
  }

  /** The invariants that hold at any moment. */
  check(): void {
    expect(this.violations).toEqual([]);
    const { generated, observed, dropped, nicDrops } = this.tally();
    // Nothing is delivered or dropped twice: the rest is still on its way.
    expect(observed + dropped + nicDrops).toBeLessThanOrEqual(generated);
    const summary = summarize(this.bed, this.config.policy, Math.max(1, this.now));
    expect(summary.inFlight).toBeGreaterThanOrEqual(0);
    // The testbed's own checkers saw the same steps back, and nothing else.
    expect(summary.outOfOrder).toBe(this.stats.allocationReorders + this.stats.overlapReorders);
    expect(summary.duplicates).toBe(0);
    for (const l of this.everyVm) {
      const c = l.vm.port.counters;
      expect(c.sendsCompleted + c.sendsFailed).toBeLessThanOrEqual(c.sendsToWire);
    }
  }

  /** Queue ownership matches first come, first served, and the adapter holds no other queue. */
  checkQueues(): void {
    for (const l of this.live) {
      expect(l.vm.port.queue >= 0, `${l.vm.name} holds a queue`).toBe(this.holders.has(l));
    }
    const held = this.live.filter((l) => this.holders.has(l)).map((l) => l.vm.port.queue);
    expect(new Set(held).size).toBe(held.length);
    expect(this.bed.adapter.activeQueues()).toEqual([0, ...held.sort((a, b) => a - b)]);
  }

  /** Drains and checks the books close: every frame delivered where it belongs or dropped. */
  async finish(): Promise<void> {
    await this.bed.drain();
    this.check();
    const { generated, observed, dropped, nicDrops } = this.tally();
    expect(observed + dropped + nicDrops).toBe(generated);
    const summary = summarize(this.bed, this.config.policy, Math.max(1, this.now));
    expect(summary.inFlight).toBe(0);
    expect(summary.delivered).toBe(observed);
    expect(summary.injected).toBe(generated);
    for (const r of this.flows) this.checkFlow(r, nicDrops);
    for (const l of this.everyVm) {
      const c = l.vm.port.counters;
      expect(c.sendsCompleted + c.sendsFailed, `${l.vm.name}'s sends`).toBe(c.sendsToWire);
    }
    while (this.live.length > 0) await this.removeVm(this.live[0]!);
    this.checkQueues();
    expect(this.bed.adapter.activeQueues()).toEqual([0]);
  }

  /**
   * A flow whose ends stayed put (no VM with its destination's address and VLAN came or
   * went, its sender stayed) got every frame it could: from the wire, all of them when the
   * destination was there (bar the NIC's and peer's own drops), none when it was not; from
   * a VM, all of them, to the VM or, with nobody local to take them, to the wire (none when
   * the driver could not send them).
   */
  private checkFlow(r: FlowRecord, nicDrops: number): void {
    const senderStayed =
      r.origin.kind === "wire" || this.vmVersions.get(r.origin.sender) === r.senderVersion;
    if (!senderStayed || this.keyVersion(r) !== r.keyVersion) return;
    const name = r.flow.spec.name;
    const got = this.received.get(r.flow.id) ?? 0;
    const present = r.dstMac >= 0 && r.keyVersion % 2 === 1;
    const accepted = r.flow.counters.accepted;
    if (r.origin.kind === "wire") {
      const lost = present ? accepted - got : got;
      expect(lost, `${name}: frames lost (or delivered to nobody)`).toBeGreaterThanOrEqual(0);
      expect(lost, `${name}: frames lost`).toBeLessThanOrEqual(present ? nicDrops : 0);
      return;
    }
    const sender = r.origin.sender;
    // A VM's frame to its own address is dropped (unknown-destination): nobody else has it.
    const toSelf = r.dstMac === sender.mac && r.dstVlan === sender.vlan;
    const refusedByDriver = r.invalid && !present;
    expect(got, `${name}: frames delivered`).toBe(toSelf || refusedByDriver ? 0 : accepted);
  }

  private keyVersion(r: FlowRecord): number {
    return r.dstMac < 0 ? 0 : (this.keyVersions.get(keyOf(r.dstMac, r.dstVlan)) ?? 0);
  }

  private record(
    flow: GeneratedFlow,
    origin: Origin,
    dstMac: number,
    dstVlan: VlanChoice,
    invalid: boolean,
  ): void {
    const senderVersion = origin.kind === "vm" ? (this.vmVersions.get(origin.sender) ?? 0) : 0;
    const partial = { flow, origin, dstMac, dstVlan, senderVersion, invalid, keyVersion: 0 };
    const r: FlowRecord = { ...partial, keyVersion: this.keyVersion(partial) };
    expect(flow.id).toBe(this.flows.length + 1);
    this.flows.push(r);
  }

  private bump(key: string): void {
    this.keyVersions.set(key, (this.keyVersions.get(key) ?? 0) + 1);
  }

  /** Frames generated, seen by the test, dropped by the switch, and dropped by the NIC or peer. */
  tally() {
    let generated = 0;
    for (const r of this.flows) generated += r.flow.counters.generated;
    let observed = 0;
    for (const n of this.received.values()) observed += n;
    const sw = this.bed.vswitch.counters.drops;
    const dropped = Object.values(sw).reduce((a, b) => a + b, 0);
    const stats = this.bed.adapter.statisticsNow();
    let nicDrops = 0;
    for (const r of this.flows) if (r.origin.kind === "wire") nicDrops += r.flow.counters.refused;
    if (stats !== null) {
      const d = stats.device;
      nicDrops += d.missedFrames + d.crcErrors + d.undersize + d.oversize + d.rxDmaFaultDrops;
      nicDrops += stats.queues.reduce((s, q) => s + q.framesDropped, 0);
      nicDrops += stats.freedQueues.framesDropped;
    }
    return { generated, observed, dropped, nicDrops };
  }

  /** Every frame a VM receives: ours, for it (address and VLAN), in order per flow. */
  private wrapReceiver(port: Port, mac: number): void {
    const inner = port.receiver;
    port.receiver = (p, frames, at) => {
      for (const f of frames) {
        const path = pathOf(f.queue, port.queue);
        const r = this.receipt(port.name, f.bytes, f.offset, f.length, path);
        if (r === null) continue;
        const vlan = r.origin.kind === "vm" ? r.origin.sender.vlan : r.dstVlan;
        if (
          macIndexOf(f.bytes, f.offset) !== mac ||
          r.dstMac !== mac ||
          (vlan ?? 0) !== port.vlan
        ) {
          this.violations.push(`${port.name} got ${r.flow.spec.name}'s frame`);
        }
        if (!port.active) this.violations.push(`${port.name} got a frame after removal`);
      }
      inner(p, frames, at);
    };
  }

  /** A frame on the wire: only VMs send there, tagged with the sender's VLAN. */
  private onWire(frame: Uint8Array, length: number): void {
    const r = this.receipt("wire", frame, 0, length, "wire");
    if (r === null) return;
    const tagged = frame[12] === 0x81 && frame[13] === 0x00;
    const vlan = tagged ? ((frame[14]! << 8) | frame[15]!) & 0x0fff : undefined;
    if (r.origin.kind !== "vm" || vlan !== r.origin.sender.vlan) {
      this.violations.push(`the wire got ${r.flow.spec.name}'s frame (vlan ${vlan})`);
    } else if (macIndexOf(frame) !== r.dstMac) {
      this.violations.push(`${r.flow.spec.name}'s frame left with another address`);
    }
  }

  /**
   * Counts a signed frame for its flow and checks its order at `receiver`: per path (the
   * default queue, the port's own queue, the switch, the wire) sequence numbers rise, and
   * no frame comes twice. Across paths two kinds of step back are known and allowed (and
   * counted): when a VM gets its queue while its frames flow, those already in the default
   * queue may be indicated after the first ones in the new queue (`allocationReorders`);
   * and frames another port's address-only filter took may pass or be passed by those in
   * the right queue as that port comes or goes (`overlapReorders`).
   */
  private receipt(
    receiver: string,
    bytes: Uint8Array,
    offset: number,
    length: number,
    path: FramePath,
  ): FlowRecord | null {
    const sig = signatureOf(bytes, offset, length);
    if (sig === null) return null;
    const r = this.flows[Math.floor(sig.flow / 65536) - 1];
    if (r === undefined) {
      this.violations.push(`${receiver} got a frame of unknown flow ${sig.flow}`);
      return null;
    }
    this.received.set(r.flow.id, (this.received.get(r.flow.id) ?? 0) + 1);
    const key = `${receiver}:${sig.flow}`;
    let order = this.order.get(key);
    if (order === undefined) {
      order = { last: -1, lastPath: path, byPath: new Map(), seen: new Set() };
      this.order.set(key, order);
    }
    const where = `${receiver}: ${r.flow.spec.name} seq ${sig.seq}`;
    if (order.seen.has(sig.seq)) this.violations.push(`${where} twice`);
    order.seen.add(sig.seq);
    const lastOnPath = order.byPath.get(path) ?? -1;
    if (sig.seq <= lastOnPath) this.violations.push(`${where} after ${lastOnPath} on ${path}`);
    order.byPath.set(path, Math.max(lastOnPath, sig.seq));
    if (sig.seq < order.last) {
      if (path === "default" && order.lastPath === "own") this.stats.allocationReorders++;
      else if (path === "foreign" || order.lastPath === "foreign") this.stats.overlapReorders++;
      else this.violations.push(`${where} (${path}) after ${order.last} (${order.lastPath})`);
    } else {
      order.last = sig.seq;
      order.lastPath = path;
    }
    return r;
  }
}

/**
 * How a frame reached its receiver: the default queue, the port's own queue, another
 * port's queue (a port on no VLAN has a filter on its address alone, which also takes
 * that address's tagged frames), from another VM, or (for the peer) the wire.
 */
type FramePath = "default" | "own" | "foreign" | "local" | "wire";

function pathOf(queue: number, ownQueue: number): FramePath {
  if (queue < 0) return "local";
  if (queue === ownQueue) return "own";
  return queue === 0 ? "default" : "foreign";
}

/** What the order check keeps per receiver and flow. */
interface OrderState {
  last: number;
  lastPath: FramePath;
  readonly byPath: Map<FramePath, number>;
  readonly seen: Set<number>;
}

/** How a flow's frames look. */
export interface FrameShape {
  readonly ip: 4 | 6;
  readonly l4: "tcp" | "udp";
  readonly frameBytes: number;
}

/** One emission of `n` frames at `now`. */
function burst(now: number, n: number, shape: FrameShape) {
  return {
    fromTicks: now,
    toTicks: now + 1,
    framesPerSecond: TICKS_PER_MS,
    frameBytes: shape.frameBytes,
    burstFrames: n,
  };
}

/** `framesPerSecond` from `now` for `durationTicks`. */
function steady(now: number, framesPerSecond: number, durationTicks: number, shape: FrameShape) {
  return {
    fromTicks: now,
    toTicks: now + durationTicks,
    framesPerSecond,
    frameBytes: shape.frameBytes,
  };
}
