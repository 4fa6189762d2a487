import type { ReceivedFrame } from "../../src/driver/received-frame.js";
import { runUntilSettled } from "../../src/kernel/settle.js";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import { Testbed, type TestbedConfig, type Vm } from "../../src/sim/testbed.js";
import type { VmqPolicyName } from "../../src/switch/vmq/vmq-policy.js";
import type { Mac } from "./rig-frames.js";

/**
 * A real testbed (NIC, driver, host, switch) sized for the switch tests, and taps that
 * copy what VMs and the wire see, so that assertions read the tests' own records.
 */

/** A small system: 4 processors, 8 queue pairs, the given policy; `extra` overrides. */
export function smallBed(
  policy: VmqPolicyName,
  extra: Partial<Omit<TestbedConfig, "vmq">> & { vmq?: Partial<TestbedConfig["vmq"]> } = {},
): Promise<Testbed> {
  const { vmq, ...rest } = extra;
  return Testbed.create({
    host: { processors: 4 },
    nic: { queues: 8 },
    ...rest,
    vmq: { policy, ...vmq },
  });
}

/** `i`-th address of the tests' pool (locally administered, unicast). */
export function vmMac(i: number): Mac {
  return [0x02, 0x15, 0x5d, 0x00, 0x00, i + 1];
}

/** A frame a VM was handed, copied out of the lent record. */
export interface SeenFrame {
  readonly bytes: Uint8Array;
  readonly queue: number;
  readonly vlanTci: number;
}

/** What one VM's receiver was called with: one entry per call (a batch). */
export interface VmTap {
  readonly batches: SeenFrame[][];
  /** Every frame, in arrival order. */
  frames(): SeenFrame[];
}

/** Copies every batch `vm` receives (the testbed's own checks still run). */
export function tapVm(vm: Vm): VmTap {
  const batches: SeenFrame[][] = [];
  const inner = vm.port.receiver;
  vm.port.receiver = (port, frames: readonly ReceivedFrame[], at) => {
    batches.push(
      frames.map((f) => ({
        bytes: f.bytes.slice(f.offset, f.offset + f.length),
        queue: f.queue,
        vlanTci: f.vlanTci,
      })),
    );
    inner(port, frames, at);
  };
  return { batches, frames: () => batches.flat() };
}

/** Copies every frame the NIC puts on the wire. */
export function tapWire(bed: Testbed): Uint8Array[] {
  const sent: Uint8Array[] = [];
  bed.nic.wire.onTransmit((frame, length) => sent.push(frame.slice(0, length)));
  return sent;
}

/** The peer sends `frames`, back to back. */
export function injectAll(bed: Testbed, frames: readonly Uint8Array[]): void {
  for (const f of frames) {
    if (!bed.nic.wire.inject(f, 0, f.length)) throw new Error("the peer's queue is full");
  }
}

/** Runs the testbed in 10 us steps until `promise` settles (a request that pends). */
export function settleOn<T>(bed: Testbed, promise: Promise<T>): Promise<T> {
  return runUntilSettled(promise, () => bed.advance(10 * TICKS_PER_US), {
    maxSteps: 100_000,
    what: "a testbed request",
  });
}

/** Adds a VM and lets its queue request settle. */
export function addVm(bed: Testbed, name: string, mac: Mac, vlan?: number): Promise<Vm> {
  return settleOn(bed, bed.addVm(name, [...mac], vlan));
}

/** Removes a VM and lets its queue be freed. */
export function removeVm(bed: Testbed, vm: Vm): Promise<void> {
  return settleOn(bed, bed.removeVm(vm));
}
