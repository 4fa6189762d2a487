import { HostMemory } from "../../bus/host-memory.js";
import { Nic } from "../../hw/nic.js";
import { IDENT_MAGIC } from "../../hw/regs/map/device.js";
import { Scheduler } from "../../kernel/scheduler.js";
import { formatTicks } from "../../kernel/ticks.js";

/**
 * The demo, for now: a driver's first minute with the device, over MMIO only. It
 * identifies the device, resets it and waits for the reset by polling (each poll a
 * microsecond of simulated time apart), checks the MMIO path with the scratch
 * register, makes two bad accesses and reads them back from ACCERR/BADACC. Every
 * register access is printed as a trace line with its simulated time.
 */
export function runDemo(out: (line: string) => void): void {
  const scheduler = new Scheduler();
  const nic = new Nic(scheduler, new HostMemory());
  const map = nic.regs.map;
  const mmio = nic.mmio;
  const at = (name: string) => map.offsetOf(name);
  nic.regs.setAccessListener((op, _offset, value, regIndex) => {
    const name = map.registers[regIndex]?.name ?? "?";
    const hex = `0x${value.toString(16).padStart(8, "0")}`;
    out(
      `  ${formatTicks(scheduler.nowTicks).padStart(10)}  ${op.padEnd(5)} ${name.padEnd(8)} ${hex}`,
    );
  });

  out("nicsim demo: bring-up over MMIO (register trace)");
  const ident = mmio.read32(at("IDENT"));
  const caps = mmio.read32(at("DEVCAP"));
  out(`  device ${ident === IDENT_MAGIC ? "found" : "NOT found"}`);

  mmio.write32(at("CTRL"), map.fieldMask("CTRL", "PCIE_MASTER_DISABLE"));
  waitFor(
    scheduler,
    () => (mmio.read32(at("STATUS")) & map.fieldMask("STATUS", "MASTER_ENABLED")) === 0,
  );
  mmio.write32(at("CTRL"), map.fieldMask("CTRL", "RST"));
  const resetAt = scheduler.nowTicks;
  waitFor(scheduler, () => (mmio.read32(at("CTRL")) & map.fieldMask("CTRL", "RST")) === 0);
  out(`  reset took ${formatTicks(scheduler.nowTicks - resetAt)} (polled every 1 us)`);

  mmio.write32(at("SCRATCH"), 0x1234_5678);
  const echoed = mmio.read32(at("SCRATCH"));
  out(`  scratch echo ${echoed === 0x1234_5678 ? "ok" : "FAILED"}`);

  mmio.read32(map.barBytes - 4); // unmapped
  mmio.write32(at("IDENT"), 0); // read-only
  const errors = mmio.read32(at("ACCERR"));
  const count = mmio.read32(at("BADACC"));
  mmio.write32(at("ACCERR"), errors);
  out(`  ${count} ignored accesses recorded; ACCERR acknowledged`);
  out(
    `device: ${map.fieldValue("DEVCAP", "QUEUES", caps)} queues, ` +
      `${map.fieldValue("DEVCAP", "VECTORS", caps)} vectors; ` +
      `${scheduler.firedCount} events in ${formatTicks(scheduler.nowTicks)} simulated`,
  );
}

/** Polls `done` once per simulated microsecond, as a driver's delay loop would. */
function waitFor(scheduler: Scheduler, done: () => boolean): void {
  for (let tries = 0; tries < 1000 && !done(); tries++) {
    scheduler.runUntil(scheduler.nowTicks + 1_000_000);
  }
}
