import { describe, expect, it } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";

function setup() {
  const scheduler = new Scheduler();
  const nic = new Nic(scheduler, new HostMemory(), { resetDurationTicks: 2 * TICKS_PER_US });
  const at = (name: string, n = 0) => nic.regs.map.offsetOf(name, n);
  return { scheduler, nic, mmio: nic.mmio, at };
}

describe("device identification", () => {
  it("IDENT reads 'NICS' and DEVCAP reports the construction parameters", () => {
    const scheduler = new Scheduler();
    const nic = new Nic(scheduler, new HostMemory(), { queues: 16, vectors: 8 });
    const map = nic.regs.map;
    const ascii = [..."NICS"].reduce((v, c) => v * 256 + c.charCodeAt(0), 0);
    expect(nic.mmio.read32(map.offsetOf("IDENT"))).toBe(ascii);
    expect(nic.mmio.read32(map.offsetOf("DEVCAP"))).toBe((8 << 16) | 16);
  });
});

describe("device reset", () => {
  it("RST reads 1 while the reset runs, then every register holds its reset value", () => {
    const { scheduler, nic, mmio, at } = setup();
    mmio.write32(at("SCRATCH"), 0xdead_beef);
    const statusBefore = mmio.read32(at("STATUS"));
    const rst = nic.regs.map.fieldMask("CTRL", "RST");
    const initDone = nic.regs.map.fieldMask("STATUS", "INIT_DONE");
    expect(statusBefore & initDone).toBe(initDone);

    scheduler.runUntil(123_456); // not on a clock edge
    mmio.write32(at("CTRL"), rst);
    expect(mmio.read32(at("CTRL")) & rst).toBe(rst);
    expect(mmio.read32(at("STATUS")) & initDone).toBe(0);
    expect(nic.control.resetting).toBe(true);

    // The reset completes on the first NIC core clock edge at least 2 us after the write.
    const periodTicks = 1e12 / nic.params.coreClockHz;
    const doneAt = Math.ceil((123_456 + 2 * TICKS_PER_US) / periodTicks) * periodTicks;
    scheduler.runUntil(doneAt - 1);
    expect(mmio.read32(at("CTRL")) & rst).toBe(rst);
    scheduler.runUntil(doneAt);
    expect(mmio.read32(at("CTRL"))).toBe(0);
    expect(mmio.read32(at("STATUS"))).toBe(statusBefore);
    expect(mmio.read32(at("SCRATCH"))).toBe(0);
    expect(nic.control.resetsCompleted).toBe(1);
  });

  it("writing RST again during a reset does not extend it; writing 0 does not cancel it", () => {
    const { scheduler, nic, mmio, at } = setup();
    const rst = nic.regs.map.fieldMask("CTRL", "RST");
    mmio.write32(at("CTRL"), rst);
    scheduler.runUntil(TICKS_PER_US);
    mmio.write32(at("CTRL"), rst);
    mmio.write32(at("CTRL"), 0);
    scheduler.runUntil(2 * TICKS_PER_US);
    expect(mmio.read32(at("CTRL")) & rst).toBe(0);
    expect(nic.control.resetsCompleted).toBe(1);
  });
});

describe("DMA master disable", () => {
  it("STATUS.MASTER_ENABLED follows CTRL.PCIE_MASTER_DISABLE at the next clock edge", () => {
    const { scheduler, nic, mmio, at } = setup();
    const disable = nic.regs.map.fieldMask("CTRL", "PCIE_MASTER_DISABLE");
    const enabled = nic.regs.map.fieldMask("STATUS", "MASTER_ENABLED");
    expect(mmio.read32(at("STATUS")) & enabled).toBe(enabled);
    mmio.write32(at("CTRL"), disable);
    expect(mmio.read32(at("STATUS")) & enabled).toBe(enabled);
    scheduler.step(nic.clock);
    expect(mmio.read32(at("STATUS")) & enabled).toBe(0);
    mmio.write32(at("CTRL"), 0);
    scheduler.step(nic.clock);
    expect(mmio.read32(at("STATUS")) & enabled).toBe(enabled);
  });
});

describe("ignored accesses are visible to the driver", () => {
  it("set ACCERR bits (write 1 to clear) and count in BADACC (clear on read)", () => {
    const { nic, mmio, at } = setup();
    const map = nic.regs.map;
    const bit = (f: string) => map.fieldMask("ACCERR", f);
    mmio.read32(0x1_fff0); // unmapped
    mmio.write32(at("SCRATCH") + 2, 1); // unaligned
    mmio.write32(at("IDENT"), 0); // read-only register
    mmio.write32(at("SCRATCH"), 5);
    mmio.write32(at("CTRL"), 1); // reserved bit 0
    const all = bit("UNMAPPED") | bit("UNALIGNED") | bit("RO_WRITE") | bit("RESERVED_WRITE");
    expect(mmio.read32(at("ACCERR"))).toBe(all);
    expect(mmio.read32(at("BADACC"))).toBe(4);
    expect(mmio.read32(at("BADACC"))).toBe(0);
    // Acknowledge two of the four: the others stay.
    mmio.write32(at("ACCERR"), bit("UNMAPPED") | bit("RO_WRITE"));
    expect(mmio.read32(at("ACCERR"))).toBe(bit("UNALIGNED") | bit("RESERVED_WRITE"));
    expect(mmio.read32(at("SCRATCH"))).toBe(5);
    expect(nic.regs.log.total).toBe(4);
  });
});
