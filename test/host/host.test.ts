import { describe, expect, it } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import {
  DEFAULT_CLOCK_HZ,
  DEFAULT_COST_MODEL,
  DEFAULT_WINDOW_TICKS,
  Host,
  type HostOptions,
} from "../../src/host/host.js";
import type { HostServices } from "../../src/host/host-services.js";
import { Scheduler } from "../../src/kernel/scheduler.js";

const make = (options: HostOptions) => new Host(new Scheduler(), new HostMemory(), options);

describe("Host options", () => {
  it("fills in the defaults", () => {
    const host = make({ processors: 2 });
    expect(host.processorCount).toBe(2);
    expect(host.costs).toEqual(DEFAULT_COST_MODEL);
    expect(host.options.clockHz).toBe(DEFAULT_CLOCK_HZ);
    expect(host.options.windowTicks).toBe(DEFAULT_WINDOW_TICKS);
    expect(host.processor(1).clock.hz).toBe(3e9);
    const custom = make({ processors: 1, clockHz: 2e9, costs: { dpcCycles: 7 }, windowTicks: 5 });
    expect(custom.costs).toEqual({ ...DEFAULT_COST_MODEL, dpcCycles: 7 });
    expect(custom.processor(0).windowTicks).toBe(5);
  });

  it.each<[string, Partial<HostOptions>, RegExp]>([
    ["no processors", { processors: 0 }, /^processors:/],
    ["too many processors", { processors: 65 }, /^processors:/],
    ["fractional processors", { processors: 1.5 }, /^processors:/],
    ["a zero clock", { clockHz: 0 }, /^clockHz:/],
    ["a fractional clock", { clockHz: 1.5e9 + 0.5 }, /^clockHz:/],
    ["a clock faster than a tick", { clockHz: 2e12 }, /^clockHz:/],
    ["a negative cost", { costs: { isrCycles: -1 } }, /^costs\.isrCycles:/],
    ["a NaN cost", { costs: { copyByteCycles: Number.NaN } }, /^costs\.copyByteCycles:/],
    ["an unknown cost", { costs: { bogus: 1 } as object }, /^costs\.bogus:/],
    ["a zero window", { windowTicks: 0 }, /^windowTicks:/],
    ["a fractional window", { windowTicks: 0.5 }, /^windowTicks:/],
    ["no windows kept", { windowCount: 0 }, /^windowCount:/],
  ])("refuses %s with a RangeError naming the option", (_name, bad, message) => {
    const options = { processors: 1, ...bad } as HostOptions;
    expect(() => make(options)).toThrow(RangeError);
    expect(() => make(options)).toThrow(message);
  });

  it("refuses a processor number it does not have", () => {
    const host = make({ processors: 2 });
    expect(() => host.queueDpc(2, () => {})).toThrow(RangeError);
    expect(() => host.utilization(-1)).toThrow(RangeError);
    expect(() => host.processor(0.5)).toThrow(RangeError);
  });
});

describe("Host as HostServices", () => {
  it("offers what the interface promises", () => {
    const scheduler = new Scheduler();
    const memory = new HostMemory();
    const services: HostServices = new Host(scheduler, memory, { processors: 3 });
    expect(services.memory).toBe(memory);
    expect(services.processorCount).toBe(3);
    scheduler.runUntil(1234);
    expect(services.nowTicks()).toBe(1234);
    const seen: number[] = [];
    services.queueDpc(1, (p) => {
      seen.push(p);
      services.charge("switch", 10);
    });
    scheduler.runUntil(1_000_000);
    expect(seen).toEqual([1]);
    expect((services as Host).busyCyclesByKind(1)).toEqual({
      interrupt: 0,
      isr: 0,
      dpc: DEFAULT_COST_MODEL.dpcCycles,
      rx: 0,
      tx: 0,
      copy: 0,
      switch: 10,
      other: 0,
    });
  });

  it("measures utilisation from its own construction time", () => {
    const scheduler = new Scheduler();
    scheduler.runUntil(1_000_500);
    const host = new Host(scheduler, new HostMemory(), {
      processors: 1,
      clockHz: 1_000_000_000,
      costs: { dpcCycles: 500 },
      windowTicks: 1_000_000,
    });
    // 1 GHz: queued at 1_000_500 (an edge), busy 500 ns to 1_500_500.
    host.queueDpc(0, () => {});
    scheduler.runUntil(3_000_000);
    expect(host.utilization(0)).toBeCloseTo(500_000 / 1_999_500, 12);
    // The first window counts only from the host's construction.
    expect(host.utilizationWindows(0)).toEqual([
      {
        startTicks: 1_000_000,
        endTicks: 2_000_000,
        busyTicks: 500_000,
        utilization: 500_000 / 999_500,
      },
      { startTicks: 2_000_000, endTicks: 3_000_000, busyTicks: 0, utilization: 0 },
    ]);
  });
});
