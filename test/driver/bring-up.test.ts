import { describe, expect, it } from "vitest";
import type { MmioPort } from "../../src/bus/mmio-port.js";
import { Adapter } from "../../src/driver/adapter.js";
import { TICKS_PER_MS } from "../../src/kernel/ticks.js";
import { MS_VERIFICATION_KEY } from "../rss/vectors.js";
import { DriverRig } from "./rig.js";

describe("bring-up", () => {
  it("identifies, disables mastering, resets and programs the device", async () => {
    const rig = new DriverRig({ processors: 4, adapter: { rssQueues: 2, rssBaseProcessor: 1 } });
    const ctrlWrites: number[] = [];
    const ctrl = rig.nic.regs.map.offsetOf("CTRL");
    const mmio = rig.nic.mmio;
    const write = mmio.write32.bind(mmio);
    mmio.write32 = (offset, value) => {
      if (offset === ctrl) ctrlWrites.push(value);
      write(offset, value);
    };
    const caps = await rig.start();
    expect(rig.adapter.state).toBe("running");
    expect(caps).toMatchObject({ queues: 8, vectors: 8, processors: 4, rssQueues: 2 });
    // PCIE_MASTER_DISABLE first, then RST with it still set, as the reference orders them.
    expect(ctrlWrites).toEqual([1 << 2, (1 << 26) | (1 << 2)]);
    expect(rig.nic.control.resetsCompleted).toBe(1);

    const peek = (name: string, n = 0) => rig.nic.regs.peek32(rig.nic.regs.map.offsetOf(name, n));
    // RSS queues 0 and 1 on processors 1 and 2, each with its own vector (0 and 1).
    expect(rig.adapter.queueInfo(0)).toMatchObject({ owner: 1, vector: 0, rxPosted: 255 });
    expect(rig.adapter.queueInfo(1)).toMatchObject({ owner: 2, vector: 1, rxPosted: 255 });
    for (const [q, v] of [
      [0, 0],
      [1, 1],
    ] as const) {
      expect(peek("IVAR", q)).toBe(v | 0x80 | (v << 8) | 0x8000);
      expect(peek("RDT", q)).toBe(255);
      expect(peek("RXDCTL", q) & (1 << 25)).not.toBe(0);
      expect(peek("TXDCTL", q) & (1 << 25)).not.toBe(0);
      expect(peek("SRRCTL", q) & 0x1f).toBe(2);
    }
    // MSI-X entries target the vector's processor; queue vectors auto-clear and auto-mask.
    for (const [v, p] of [
      [0, 1],
      [1, 2],
    ] as const) {
      expect(peek("MSIXAL", v)).toBe(rig.host.msiTarget(p).address);
      expect(peek("MSIXDATA", v)).toBe(rig.host.msiTarget(p).data);
      expect(peek("MSIXVCTRL", v)).toBe(0);
      expect(peek("EITR", v) & 0xff8).toBe(5 << 3); // 10 us in 2.048 us units
    }
    expect(peek("EIAC") & 0b11).toBe(0b11);
    expect(peek("EIAM") & 0b11).toBe(0b11);
    expect(peek("EIMS") & 0b11).toBe(0b11);
    // The other-causes vector is the last one: auto-cleared, never auto-masked.
    expect(caps.miscVector).toBe(7);
    expect(peek("IVAR_MISC")).toBe(0x80 | 7);
    expect(peek("EIAM") & (1 << 7)).toBe(0);
    expect(peek("VMQCTL") & 1).toBe(1);
  });

  it("programs the published verification key as the RSS key (RSSRK, little-endian words)", async () => {
    const rig = new DriverRig();
    await rig.start();
    const map = rig.nic.regs.map;
    const key: number[] = [];
    for (let n = 0; n < 10; n++) {
      const word = rig.nic.regs.peek32(map.offsetOf("RSSRK", n));
      key.push(word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24);
    }
    expect(key).toEqual([...MS_VERIFICATION_KEY]);
  });

  it("refuses a device whose IDENT is wrong", async () => {
    const rig = new DriverRig();
    const ident = rig.nic.regs.map.offsetOf("IDENT");
    const mmio: MmioPort = {
      read32: (offset) => (offset === ident ? 0x12345678 : rig.nic.mmio.read32(offset)),
      write32: (offset, value) => rig.nic.mmio.write32(offset, value),
    };
    const adapter = new Adapter({ mmio, host: rig.host, scheduler: rig.scheduler });
    const result = await rig.settle(adapter.initialize());
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatchObject({ kind: "device-not-found", ident: 0x12345678 });
    expect(adapter.state).toBe("failed");
    expect(rig.nic.control.resetsCompleted).toBe(0);
  });

  it("times out when DMA mastering never stops", async () => {
    const rig = new DriverRig();
    const status = rig.nic.regs.map.offsetOf("STATUS");
    const mmio: MmioPort = {
      read32: (offset) => rig.nic.mmio.read32(offset) | (offset === status ? 1 << 19 : 0),
      write32: (offset, value) => rig.nic.mmio.write32(offset, value),
    };
    const adapter = new Adapter({ mmio, host: rig.host, scheduler: rig.scheduler });
    const result = await rig.settle(adapter.initialize(), 1_000_000_000);
    expect(result.ok ? "ok" : result.error.kind).toBe("master-disable-timeout");
  });

  it("reports a configuration the device cannot hold", async () => {
    const rig = new DriverRig({ adapter: { rxRingSize: 100 } });
    const result = await rig.settle(rig.adapter.initialize());
    expect(result.ok ? "ok" : result.error.kind).toBe("bad-configuration");
  });

  it("halts: queues stopped, interrupts masked, DMA off, every byte of memory returned", async () => {
    const rig = new DriverRig({ adapter: { rssQueues: 2 } });
    const before = rig.memory.mappedBytes;
    await rig.start();
    expect(rig.memory.mappedBytes).toBeGreaterThan(before);
    await rig.settle(rig.adapter.halt());
    expect(rig.adapter.state).toBe("halted");
    expect(rig.memory.mappedBytes).toBe(before);
    const peek = (name: string, n = 0) => rig.nic.regs.peek32(rig.nic.regs.map.offsetOf(name, n));
    expect(peek("EIMS")).toBe(0);
    expect(peek("RXDCTL", 0) & (1 << 25)).toBe(0);
    expect(peek("TXDCTL", 1) & (1 << 25)).toBe(0);
    expect(peek("STATUS") & (1 << 19)).toBe(0);
    expect(peek("MSIXVCTRL", 0)).toBe(1);
    const after = await rig.adapter.request({ kind: "query-capabilities" });
    expect(after.ok ? "ok" : after.error.kind).toBe("not-running");
  });

  it("halts without freeing memory the device may still write when a queue never stops", async () => {
    // The device never reports queue 0's receive stopped: its buffers may still be
    // written until DMA mastering is off, so nothing is freed before STATUS says so.
    const rig = new DriverRig();
    const before = rig.memory.mappedBytes;
    await rig.start();
    const map = rig.nic.regs.map;
    const rxdctl = map.offsetOf("RXDCTL", 0);
    const mmio = rig.nic.mmio;
    const read = mmio.read32.bind(mmio);
    mmio.read32 = (offset) =>
      read(offset) | (offset === rxdctl ? map.fieldMask("RXDCTL", "ENABLE") : 0);
    const masterEnabled = () =>
      (rig.nic.regs.peek32(map.offsetOf("STATUS")) & map.fieldMask("STATUS", "MASTER_ENABLED")) !==
      0;
    const freedWhileMastering: number[] = [];
    const free = rig.memory.free.bind(rig.memory);
    rig.memory.free = (address) => {
      if (masterEnabled()) freedWhileMastering.push(address);
      return free(address);
    };
    await rig.settle(rig.adapter.halt(), TICKS_PER_MS);
    expect(rig.adapter.state).toBe("halted");
    expect(freedWhileMastering).toEqual([]);
    expect(rig.memory.mappedBytes).toBe(before);
  });

  it("keeps a queue's memory for good when neither the queue nor DMA mastering stops", async () => {
    const rig = new DriverRig();
    await rig.start();
    const map = rig.nic.regs.map;
    const rxdctl = map.offsetOf("RXDCTL", 0);
    const status = map.offsetOf("STATUS");
    const mmio = rig.nic.mmio;
    const read = mmio.read32.bind(mmio);
    mmio.read32 = (offset) => {
      if (offset === rxdctl) return read(offset) | map.fieldMask("RXDCTL", "ENABLE");
      if (offset === status) return read(offset) | map.fieldMask("STATUS", "MASTER_ENABLED");
      return read(offset);
    };
    const mapped = rig.memory.mappedBytes;
    await rig.settle(rig.adapter.halt(), TICKS_PER_MS);
    expect(rig.adapter.state).toBe("halted");
    expect(rig.memory.mappedBytes).toBe(mapped);
  });

  it("works with the default device (128 queues, 64 vectors)", async () => {
    const rig = new DriverRig({ nic: { queues: 128, vectors: 64 } });
    const caps = await rig.start();
    expect(caps).toMatchObject({ queues: 128, vectors: 64, miscVector: 63, freeVmqQueues: 127 });
  });
});
