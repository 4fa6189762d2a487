import { describe, expect, it } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import { Host } from "../../src/host/host.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { Edges } from "./reference.js";

// A real NIC's MSI-X table drives the host's interrupt controller: the driver's writes
// to a vector's table entry (MSIXAL/MSIXAH/MSIXDATA) choose the processor its ISR runs
// on. Register names from the register reference (docs/registers.md): MSIXVCTRL.MASK is
// bit 0; EIMS, EICS and EICR hold vector v in bit v % 32 of word v / 32.

const US = 1_000_000;

describe("retargeting a vector through its MSI-X table entry", () => {
  it("moves the ISRs after the write to the new processor", () => {
    const scheduler = new Scheduler();
    const memory = new HostMemory();
    const nic = new Nic(scheduler, memory, { queues: 2, vectors: 4 });
    const host = new Host(scheduler, memory, { processors: 4 });
    host.attach(nic);
    const at = (name: string, n = 0) => nic.regs.map.offsetOf(name, n);
    const write = (name: string, value: number, n = 0) => nic.mmio.write32(at(name, n), value);

    const messages: { vector: number; address: number; at: number }[] = [];
    nic.irq.tap((vector, address, _data, atTicks) =>
      messages.push({ vector, address, at: atTicks }),
    );
    const runs: { vector: number; processor: number; at: number }[] = [];
    const V = 2;
    host.connectInterrupt(V, (vector, processor) => {
      runs.push({ vector, processor, at: host.nowTicks() });
      write("EICR", 1 << vector); // acknowledge the cause
    });

    const target = (p: number) => {
      const { address, data } = host.msiTarget(p);
      write("MSIXVCTRL", 1, V); // mask while the entry changes
      write("MSIXAL", address, V);
      write("MSIXAH", 0, V);
      write("MSIXDATA", data, V);
      write("MSIXVCTRL", 0, V);
    };
    const raise = () => {
      write("EICS", 1 << V);
      scheduler.runUntil(scheduler.nowTicks + 10 * US);
    };

    target(1);
    write("EIMS", 1 << V);
    raise();
    raise();
    target(3);
    raise();
    target(0);
    raise();

    expect(runs.map((r) => r.processor)).toEqual([1, 1, 3, 0]);
    expect(runs.every((r) => r.vector === V)).toBe(true);
    // x86 MSI addresses, physical destination mode: 0xFEE00000 | APIC id << 12.
    expect(messages.map((m) => m.address)).toEqual([
      0xfee01000, 0xfee01000, 0xfee03000, 0xfee00000,
    ]);
    // Each ISR starts on the first edge of its processor's 3 GHz clock at or after the message.
    const edges = new Edges(3_000_000_000);
    expect(runs.map((r) => r.at)).toEqual(messages.map((m) => edges.atOrAfter(m.at)));
    expect([0, 1, 2, 3].map((p) => host.interrupts(p))).toEqual([1, 2, 0, 1]);
    expect(host.interruptController.interruptsFrom(V)).toBe(4);
    expect(host.interruptController.misrouted).toBe(0);
    expect(host.interruptController.spurious).toBe(0);
    // Each interrupt charged the default interrupt entry and ISR costs where it ran.
    expect(host.busyCyclesByKind(1).interrupt).toBe(2 * host.costs.interruptCycles);
    expect(host.busyCyclesByKind(3).isr).toBe(host.costs.isrCycles);
  });

  it("counts a message sent before the driver programmed the entry as misrouted", () => {
    const scheduler = new Scheduler();
    const memory = new HostMemory();
    const nic = new Nic(scheduler, memory, { queues: 1, vectors: 2 });
    const host = new Host(scheduler, memory, { processors: 2 });
    host.attach(nic);
    const runs: number[] = [];
    host.connectInterrupt(1, (_v, p) => runs.push(p));
    nic.mmio.write32(nic.regs.map.offsetOf("MSIXVCTRL", 1), 0);
    nic.mmio.write32(nic.regs.map.offsetOf("EIMS"), 0b10);
    nic.mmio.write32(nic.regs.map.offsetOf("EICS"), 0b10);
    scheduler.runUntil(10 * US);
    expect(runs).toEqual([0]);
    expect(host.interruptController.misrouted).toBe(1);
  });
});
