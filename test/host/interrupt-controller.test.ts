import { describe, expect, it } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import { Host } from "../../src/host/host.js";
import { decodeMsiDestination, msiAddressFor } from "../../src/host/interrupt-controller.js";
import { Scheduler } from "../../src/kernel/scheduler.js";

// The x86 MSI address format (Intel SDM vol. 3, "Message Address Register Format"):
// bits 31:20 = 0xFEE, 19:12 destination id, 3 redirection hint, 2 destination mode
// (0 physical), 1:0 zero.
const x86Address = (dest: number, bits = 0) => 0xfee0_0000 + dest * 0x1000 + bits;

function rig(processors = 4) {
  const scheduler = new Scheduler();
  const host = new Host(scheduler, new HostMemory(), { processors });
  const runs: { vector: number; processor: number; at: number }[] = [];
  const isr = (vector: number, processor: number) =>
    runs.push({ vector, processor, at: host.nowTicks() });
  return { scheduler, host, runs, isr, ic: host.interruptController };
}

describe("the interrupt controller", () => {
  it("gives each processor the x86 address of its APIC id and data 0x40 + p", () => {
    const { host } = rig(4);
    for (let p = 0; p < 4; p++) {
      expect(host.msiTarget(p)).toEqual({ address: x86Address(p), data: 0x40 + p });
    }
    expect(() => host.msiTarget(4)).toThrow(RangeError);
    expect(() => host.msiTarget(-1)).toThrow(RangeError);
    expect(msiAddressFor(63)).toBe(0xfee3_f000);
  });

  it("decodes physical-mode destinations and refuses everything else", () => {
    expect(decodeMsiDestination(x86Address(5))).toBe(5);
    expect(decodeMsiDestination(x86Address(5, 0x8))).toBe(5); // redirection hint ignored
    expect(decodeMsiDestination(x86Address(0xff))).toBe(0xff);
    expect(decodeMsiDestination(x86Address(5, 0x4))).toBeUndefined(); // logical mode
    expect(decodeMsiDestination(0xfed0_0000)).toBeUndefined();
    expect(decodeMsiDestination(0)).toBeUndefined();
    expect(decodeMsiDestination(0x1_fee0_0000)).toBeUndefined(); // MSIXAH nonzero
  });

  it("routes each message to the processor its address names and counts it", () => {
    const { scheduler, host, runs, isr, ic } = rig(4);
    host.connectInterrupt(0, isr);
    host.connectInterrupt(7, isr);
    const sends: [number, number][] = [
      [0, 2],
      [7, 3],
      [7, 2],
      [0, 0],
      [7, 3],
    ];
    for (const [vector, p] of sends) ic.message(vector, x86Address(p), 0x40 + p, 0);
    scheduler.runUntil(1_000_000_000);
    const byProcessor = (p: number) => runs.filter((r) => r.processor === p).map((r) => r.vector);
    expect(byProcessor(0)).toEqual([0]);
    expect(byProcessor(1)).toEqual([]);
    expect(byProcessor(2)).toEqual([0, 7]);
    expect(byProcessor(3)).toEqual([7, 7]);
    expect([0, 1, 2, 3].map((p) => ic.interruptsTo(p))).toEqual([1, 0, 2, 2]);
    expect([0, 1, 2, 3].map((p) => host.interrupts(p))).toEqual([1, 0, 2, 2]);
    expect(ic.interruptsFrom(0)).toBe(2);
    expect(ic.interruptsFrom(7)).toBe(3);
    expect(ic.interruptsFrom(1)).toBe(0);
    expect(ic.misrouted).toBe(0);
    expect(ic.spurious).toBe(0);
  });

  it("sends a message whose address names no processor to processor 0, counted", () => {
    const { scheduler, host, runs, isr, ic } = rig(2);
    host.connectInterrupt(1, isr);
    for (const address of [
      x86Address(2),
      x86Address(1, 0x4),
      0xdead_bee0,
      2 ** 32 + x86Address(1),
    ]) {
      ic.message(1, address, 0, 0);
    }
    scheduler.runUntil(1_000_000_000);
    expect(runs.map((r) => r.processor)).toEqual([0, 0, 0, 0]);
    expect(ic.misrouted).toBe(4);
    expect(ic.interruptsTo(0)).toBe(4);
  });

  it("counts a message for an unconnected vector as spurious and runs nothing", () => {
    const { scheduler, host, runs, isr, ic } = rig(2);
    ic.message(9, x86Address(1), 0, 0);
    host.connectInterrupt(9, isr);
    host.disconnectInterrupt(9);
    ic.message(9, x86Address(1), 0, 0);
    ic.message(4000, x86Address(1), 0, 0);
    scheduler.runUntil(1_000_000_000);
    expect(runs).toEqual([]);
    expect(ic.spurious).toBe(3);
    expect(host.interrupts(1)).toBe(0);
    expect(host.utilization(1)).toBe(0);
    expect(() => host.connectInterrupt(2048, isr)).toThrow(RangeError);
  });

  it("runs a reconnected vector's new ISR", () => {
    const { scheduler, host, ic } = rig(1);
    const seen: string[] = [];
    host.connectInterrupt(3, () => seen.push("old"));
    ic.message(3, x86Address(0), 0, 0);
    scheduler.runUntil(1_000_000);
    host.connectInterrupt(3, () => seen.push("new"));
    ic.message(3, x86Address(0), 0, 0);
    scheduler.runUntil(2_000_000);
    expect(seen).toEqual(["old", "new"]);
  });
});
