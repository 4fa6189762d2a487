import fc from "fast-check";
import type { SendOffload } from "../../src/driver/send-request.js";
import { LSO_MIN_MSS } from "../../src/hw/offload/lso.js";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import { AsyncModelCommand } from "../support/model-test.js";
import {
  type FrameShape,
  INTERVAL_TICKS,
  type LiveVm,
  type SwitchWorld,
  VLANS,
  type VlanChoice,
  type WorldConfig,
} from "./model-world.js";
import { headerBytes } from "./rig-frames.js";

/**
 * The commands of the switch model test: VMs come and go (addresses from a small pool, so
 * they clash and are reused), the peer and VMs send bursts (to VMs, to addresses nobody
 * has any more, on the wrong VLAN, with offloads, some the driver must refuse), steady
 * load makes dynamic VMQ move queues, and time passes. VMs are named by a choice the
 * command resolves when it runs, so every command applies in every state and shrinks well.
 * Each run counts itself and ends with the world's checks (AsyncModelCommand,
 * test/support/model-test.ts).
 */

type Cmd = fc.AsyncCommand<SwitchWorld, SwitchWorld>;

function pick<T>(list: readonly T[], choice: number): T {
  return list[choice % list.length]!;
}

function showShape(s: FrameShape): string {
  return `${s.l4}${s.ip}/${s.frameBytes}`;
}

class AddVm extends AsyncModelCommand<SwitchWorld> {
  readonly name = "add-vm";
  constructor(
    readonly mac: number,
    readonly vlan: VlanChoice,
  ) {
    super();
  }
  async act(w: SwitchWorld): Promise<void> {
    await w.addVm(this.mac, this.vlan);
    w.checkQueues();
  }
  toString(): string {
    return `add(mac${this.mac}${this.vlan === undefined ? "" : ` vlan ${this.vlan}`})`;
  }
}

class RemoveVm extends AsyncModelCommand<SwitchWorld> {
  readonly name = "remove-vm";
  constructor(readonly choice: number) {
    super();
  }
  override check(w: Readonly<SwitchWorld>): boolean {
    return w.live.length > 0;
  }
  async act(w: SwitchWorld): Promise<void> {
    await w.removeVm(pick(w.holdersFirst, this.choice));
    w.checkQueues();
  }
  toString(): string {
    return `remove(#${this.choice})`;
  }
}

/** Frames from the peer to a VM's address (maybe one removed), on its VLAN or another. */
class WireBurst extends AsyncModelCommand<SwitchWorld> {
  readonly name = "wire-burst";
  constructor(
    readonly to: number,
    readonly otherVlan: number,
    readonly n: number,
    readonly shape: FrameShape,
  ) {
    super();
  }
  override check(w: Readonly<SwitchWorld>): boolean {
    return w.everyVm.length > 0;
  }
  act(w: SwitchWorld): void {
    const to = pick(w.everyVm, this.to);
    const vlans = VLANS.filter((v) => v !== to.vlan);
    const vlan = this.otherVlan === 0 ? to.vlan : pick(vlans, this.otherVlan);
    w.wireBurst(to, vlan, this.n, this.shape);
  }
  toString(): string {
    const vlan = this.otherVlan === 0 ? "" : ` other-vlan#${this.otherVlan}`;
    return `wire(#${this.to}${vlan} x${this.n} ${showShape(this.shape)})`;
  }
}

/** A steady stream from the peer to a live VM: load for the VMQ policy to react to. */
class WireLoad extends AsyncModelCommand<SwitchWorld> {
  readonly name = "wire-load";
  constructor(
    readonly to: number,
    readonly framesPerSecond: number,
    readonly durationUs: number,
    readonly shape: FrameShape,
  ) {
    super();
  }
  override check(w: Readonly<SwitchWorld>): boolean {
    return w.live.length > 0;
  }
  act(w: SwitchWorld): void {
    w.wireLoad(
      pick(w.live, this.to),
      this.framesPerSecond,
      this.durationUs * TICKS_PER_US,
      this.shape,
    );
  }
  toString(): string {
    return `load(#${this.to} ${this.framesPerSecond}fps ${this.durationUs}us ${showShape(this.shape)})`;
  }
}

/** A VM streams to the peer (sends pile up in the rings of a slow link). */
class VmLoad extends AsyncModelCommand<SwitchWorld> {
  readonly name = "vm-load";
  constructor(
    readonly from: number,
    readonly framesPerSecond: number,
    readonly durationUs: number,
    readonly shape: FrameShape,
  ) {
    super();
  }
  override check(w: Readonly<SwitchWorld>): boolean {
    return w.live.length > 0;
  }
  act(w: SwitchWorld): void {
    const from = pick(w.waitingFirst, this.from);
    w.vmLoad(from, this.framesPerSecond, this.durationUs * TICKS_PER_US, this.shape);
  }
  toString(): string {
    return `vm-load(#${this.from} ${this.framesPerSecond}fps ${this.durationUs}us ${showShape(this.shape)})`;
  }
}

type OffloadKind = "none" | "checksum" | "lso";

/**
 * The offload request, and whether the driver must refuse it (LSO of UDP). The MSS cuts
 * the payload into `segments` pieces whose last still holds the 20-byte signature.
 */
function offloadOf(
  kind: OffloadKind,
  shape: FrameShape,
  segments: number,
): { offload: SendOffload | undefined; invalid: boolean } {
  if (kind === "none") return { offload: undefined, invalid: false };
  if (kind === "checksum") {
    return { offload: { ipv4Checksum: shape.ip === 4, l4Checksum: true }, invalid: false };
  }
  // VMs send untagged frames.
  const payload = shape.frameBytes - headerBytes(shape);
  let mss = Math.ceil(payload / segments);
  if (payload - (Math.ceil(payload / mss) - 1) * mss < 20) mss = payload;
  // The driver refuses LSO of UDP; the device an MSS under its 64-byte minimum.
  return { offload: { lsoMss: mss }, invalid: shape.l4 === "udp" || mss < LSO_MIN_MSS };
}

/** A VM sends a burst to the peer. */
class VmToWire extends AsyncModelCommand<SwitchWorld> {
  readonly name = "vm-to-wire";
  constructor(
    readonly from: number,
    readonly n: number,
    readonly shape: FrameShape,
    readonly offload: OffloadKind,
    readonly segments: number,
  ) {
    super();
  }
  override check(w: Readonly<SwitchWorld>): boolean {
    return w.live.length > 0;
  }
  act(w: SwitchWorld): void {
    const { offload, invalid } = offloadOf(this.offload, this.shape, this.segments);
    w.vmBurst(pick(w.waitingFirst, this.from), "wire", this.n, this.shape, offload, invalid);
  }
  toString(): string {
    const off = this.offload === "lso" ? `lso/${this.segments}` : this.offload;
    return `vm-wire(#${this.from} x${this.n} ${showShape(this.shape)} ${off})`;
  }
}

/** A VM sends a burst to another VM's address (maybe its own, maybe one removed). */
class VmToVm extends AsyncModelCommand<SwitchWorld> {
  readonly name = "vm-to-vm";
  constructor(
    readonly from: number,
    readonly to: number,
    readonly n: number,
    readonly shape: FrameShape,
  ) {
    super();
  }
  override check(w: Readonly<SwitchWorld>): boolean {
    return w.live.length > 0;
  }
  act(w: SwitchWorld): void {
    const to: LiveVm = pick(w.everyVm, this.to);
    w.vmBurst(pick(w.live, this.from), to, this.n, this.shape, undefined, false);
  }
  toString(): string {
    return `vm-vm(#${this.from} -> #${this.to} x${this.n} ${showShape(this.shape)})`;
  }
}

/** One dynamic VMQ interval passes (a policy step under dynamic; just time otherwise). */
class Step extends AsyncModelCommand<SwitchWorld> {
  readonly name = "vmq-step";
  async act(w: SwitchWorld): Promise<void> {
    await w.advance(INTERVAL_TICKS);
  }
  toString(): string {
    return "step";
  }
}

class Advance extends AsyncModelCommand<SwitchWorld> {
  readonly name = "advance";
  constructor(readonly us: number) {
    super();
  }
  async act(w: SwitchWorld): Promise<void> {
    await w.advance(this.us * TICKS_PER_US);
  }
  toString(): string {
    return `advance(${this.us}us)`;
  }
}

export const COMMAND_NAMES = [
  "add-vm",
  "remove-vm",
  "wire-burst",
  "wire-load",
  "vm-to-wire",
  "vm-to-vm",
  "vm-load",
  "vmq-step",
  "advance",
] as const;

const shape: fc.Arbitrary<FrameShape> = fc.record({
  ip: fc.constantFrom(4 as const, 6 as const),
  l4: fc.constantFrom("tcp" as const, "udp" as const),
  frameBytes: fc.integer({ min: 100, max: 1514 }),
});
const choice = fc.nat({ max: 15 });
const count = fc.integer({ min: 1, max: 48 });
/** VMs send longer bursts: enough to fill a transmit ring. */
const sendCount = fc.integer({ min: 1, max: 160 });

/** A steady stream: a VM choice, one of `rates` (frames per second), microseconds, shape. */
function loadArb(...rates: number[]) {
  return fc.tuple(
    choice,
    fc.constantFrom(...rates),
    fc.integer({ min: 300, max: 3000 }),
    shape.map((s) => ({ ...s, frameBytes: Math.max(800, s.frameBytes) })),
  );
}

const addVm = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(...VLANS))
  .map(([mac, vlan]) => new AddVm(mac, vlan));

export function switchCommands(): fc.Arbitrary<Cmd>[] {
  return [
    // Twice: VMs should outnumber queues often.
    addVm,
    addVm,
    choice.map((c) => new RemoveVm(c)),
    fc
      .tuple(choice, fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat(3)), count, shape)
      .map(([to, other, n, s]) => new WireBurst(to, other, n, s)),
    loadArb(100_000, 300_000, 600_000).map(([to, fps, us, s]) => new WireLoad(to, fps, us, s)),
    fc
      .tuple(
        choice,
        sendCount,
        shape,
        fc.constantFrom<OffloadKind>("none", "checksum", "lso"),
        fc.integer({ min: 1, max: 4 }),
      )
      .map(([from, n, s, off, seg]) => new VmToWire(from, n, s, off, seg)),
    fc.tuple(choice, choice, count, shape).map(([from, to, n, s]) => new VmToVm(from, to, n, s)),
    loadArb(50_000, 150_000).map(([from, fps, us, s]) => new VmLoad(from, fps, us, s)),
    fc.constant(new Step()),
    fc.integer({ min: 10, max: 2000 }).map((us) => new Advance(us)),
  ];
}

export const worldConfig: fc.Arbitrary<WorldConfig> = fc.record({
  policy: fc.constantFrom("none" as const, "static" as const, "dynamic" as const),
  queues: fc.constantFrom(2 as const, 4 as const, 8 as const),
  backlogLimit: fc.constantFrom(32, 4096),
  sendBudget: fc.constantFrom(64, 512),
  cheapSwitch: fc.boolean(),
  linkSpeedMbps: fc.constantFrom(1000 as const, 10_000 as const),
  txPacketBufferBytes: fc.constantFrom(16 * 1024, 160 * 1024),
});
