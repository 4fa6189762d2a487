import { describe, expect, it } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import type { MmioPort } from "../../src/bus/mmio-port.js";
import { DriverRegisters, type W1cRegister } from "../../src/driver/registers.js";
import { resolveDeviceParams } from "../../src/hw/device-params.js";
import { Nic } from "../../src/hw/nic.js";
import { buildRegisterMap } from "../../src/hw/regs/map/index.js";
import { RegisterMap } from "../../src/hw/regs/register-map.js";
import { Scheduler } from "../../src/kernel/scheduler.js";

/** A NIC's BAR with every access recorded, in order. */
function recordedBar() {
  const nic = new Nic(new Scheduler(), new HostMemory(), { queues: 4, vectors: 4 });
  const log: { op: "read" | "write"; offset: number; value: number }[] = [];
  const mmio: MmioPort = {
    read32: (offset) => {
      const value = nic.mmio.read32(offset);
      log.push({ op: "read", offset, value });
      return value;
    },
    write32: (offset, value) => {
      log.push({ op: "write", offset, value });
      nic.mmio.write32(offset, value);
    },
  };
  const map = buildRegisterMap(resolveDeviceParams({ queues: 4, vectors: 4 }));
  return { nic, log, regs: new DriverRegisters(mmio, map), map };
}

describe("DriverRegisters", () => {
  it("acknowledges W1C bits by writing only the mask: no read, nothing else cleared", () => {
    const { nic, log, regs, map } = recordedBar();
    const ocr = map.offsetOf("OCR");
    nic.regs.poke32(ocr, 0b111); // three pending causes
    regs.ackW1c("OCR", 0b010);
    expect(log).toEqual([{ op: "write", offset: ocr, value: 0b010 }]);
    expect(nic.regs.peek32(ocr)).toBe(0b101);
  });

  it("refuses registers that are not W1C, at compile time and at run time", () => {
    const { log, regs } = recordedBar();
    // @ts-expect-error: EIMS is W1S, not W1C.
    expect(() => regs.ackW1c("EIMS", 1)).toThrow(/ackW1c\(EIMS\)/);
    // @ts-expect-error: CTRL is read/write.
    expect(() => regs.ackW1c("CTRL", 1)).toThrow();
    // A name from data: only the run-time check stands between it and the device.
    const fromData = "QPRC" as W1cRegister;
    expect(() => regs.ackW1c(fromData, 1)).toThrow();
    expect(log).toEqual([]);
  });

  it("refuses, at construction, a map that does not treat a register the way the driver does", () => {
    const map = buildRegisterMap(resolveDeviceParams({ queues: 4, vectors: 4 }));
    const mmio: MmioPort = { read32: () => 0, write32: () => {} };
    // EICR turned read/write: an ackW1c on it would be a plain write.
    const registers = map.registers.map((r) =>
      r.name === "EICR"
        ? { ...r, fields: r.fields.map((f) => ({ ...f, access: "rw" as const })) }
        : r,
    );
    const altered = new RegisterMap(registers, map.groups, map.barBytes);
    expect(() => new DriverRegisters(mmio, altered)).toThrow(/EICR: the driver treats it as w1c/);
    // A map without a register the driver uses.
    const without = new RegisterMap(
      map.registers.filter((r) => r.name !== "OCR"),
      map.groups,
      map.barBytes,
    );
    expect(() => new DriverRegisters(mmio, without)).toThrow(/OCR: not in the map/);
  });

  it("reads 64-bit counters low half first, and the value is whole", () => {
    const { nic, log, regs, map } = recordedBar();
    const low = map.offsetOf("GORCL");
    const high = map.offsetOf("GORCH");
    nic.regs.poke32(low, 0x89abcdef);
    nic.regs.poke32(high, 0x12);
    expect(regs.readCounter64("GORC")).toBe(0x12 * 2 ** 32 + 0x89abcdef);
    expect(log.map((a) => [a.op, a.offset])).toEqual([
      ["read", low],
      ["read", high],
    ]);
    // Clear on read: the next read starts from zero.
    expect(regs.readCounter64("GORC")).toBe(0);
  });

  it("reads 32-bit counters (clearing them), and only through readCounter32", () => {
    const { nic, regs, map } = recordedBar();
    nic.regs.poke32(map.offsetOf("QPRC", 2), 17);
    expect(regs.readCounter32("QPRC", 2)).toBe(17);
    expect(regs.readCounter32("QPRC", 2)).toBe(0);
    // @ts-expect-error: a counter is not a plain readable register (its read clears it).
    expect(() => regs.read("QPRC", 2)).toThrow();
    // @ts-expect-error: and not a field to read either.
    expect(() => regs.readField("GPRC", "COUNT")).toThrow();
  });

  it("read-modify-writes only RW fields of RMW-safe registers", () => {
    const { nic, log, regs, map } = recordedBar();
    regs.writeFields("RXDCTL", { WTHRESH: 4, PTHRESH: 8 }, 1);
    regs.setField("RXDCTL", "HTHRESH", 2, 1);
    expect(regs.readField("RXDCTL", "WTHRESH", 1)).toBe(4);
    expect(regs.readField("RXDCTL", "HTHRESH", 1)).toBe(2);
    expect(regs.readField("RXDCTL", "PTHRESH", 1)).toBe(8);
    // RO fields cannot be set; values must fit.
    expect(() => regs.setField("RXDCTL", "FAULT", 1, 1)).toThrow(/field is ro/);
    expect(() => regs.setField("RXDCTL", "HTHRESH", 200, 1)).toThrow(RangeError);
    // @ts-expect-error: EITR has a write-only bit whose 0 restarts moderation: no RMW.
    expect(() => regs.setField("EITR", "INTERVAL", 3, 0)).toThrow();
    // A self-clearing bit reading 1 is written back as 0 (no second action).
    log.length = 0;
    const ctrl = map.offsetOf("CTRL");
    nic.regs.poke32(ctrl, 1 << 26); // RST reads 1 (a reset in progress)
    regs.setField("CTRL", "PCIE_MASTER_DISABLE", 1);
    expect(log.at(-1)).toEqual({ op: "write", offset: ctrl, value: 1 << 2 });
  });

  it("checks instance numbers and field names", () => {
    const { regs } = recordedBar();
    expect(() => regs.write("RDT", 0, 4)).toThrow(RangeError);
    expect(() => regs.readField("STATUS", "NO_SUCH_FIELD")).toThrow(/no field/);
    expect(() => regs.compose("IVAR", { RX_VECTOR: 64 })).toThrow(RangeError);
    expect(regs.compose("IVAR", { RX_VECTOR: 3, RX_VALID: 1 })).toBe(0x83);
  });
});
