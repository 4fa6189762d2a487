import { HostMemory } from "../../bus/host-memory.js";
import { DTYP_DATA, TX_DATA } from "../../hw/desc/formats.js";
import { fieldPosition } from "../../hw/desc/schema.js";
import { Nic } from "../../hw/nic.js";
import { IDENT_MAGIC } from "../../hw/regs/map/device.js";
import { NicTrace } from "../../hw/taps/nic-trace.js";
import { Scheduler } from "../../kernel/scheduler.js";
import { formatTicks, TICKS_PER_US } from "../../kernel/ticks.js";

const RING = 64;

/**
 * The demo, for now: a driver's first moments with the device, over MMIO, host memory
 * and MSI-X only. It identifies and resets the device, programs a receive and a transmit
 * ring, receives a burst of frames from the wire (taking the interrupt), sends one, and
 * prints the bus trace and the statistics registers. Later work replaces it with the
 * virtual-switch comparison.
 */
export function runDemo(out: (line: string) => void): void {
  const scheduler = new Scheduler();
  const memory = new HostMemory();
  const nic = new Nic(scheduler, memory, { queues: 8, vectors: 8 });
  const trace = new NicTrace(nic, scheduler);
  const map = nic.regs.map;
  const mmio = nic.mmio;
  const at = (name: string, n = 0) => map.offsetOf(name, n);
  const bit = (reg: string, field: string) => map.fieldMask(reg, field);
  let interrupts = 0;
  nic.setMsixListener(() => interrupts++);

  out("nicsim demo: a driver's first moments with the device");
  const found = mmio.read32(at("IDENT")) === IDENT_MAGIC;
  mmio.write32(at("CTRL"), bit("CTRL", "RST"));
  pollUntil(scheduler, () => (mmio.read32(at("CTRL")) & bit("CTRL", "RST")) === 0);

  // Queue 0 receive ring with posted buffers, interrupts on vector 0, 20 us moderation.
  const rxRing = memory.alloc(RING * 16);
  const buffers = memory.alloc(RING * 2048);
  for (let i = 0; i < RING; i++) memory.writeU64(rxRing + i * 16, buffers + i * 2048);
  programRing(nic, "RD", "RXDCTL", rxRing);
  mmio.write32(at("RDT"), RING - 1);
  mmio.write32(at("IVAR"), bit("IVAR", "RX_VALID") | bit("IVAR", "TX_VALID"));
  mmio.write32(at("EITR"), 10 << map.fieldShift("EITR", "INTERVAL"));
  mmio.write32(at("EIAC"), 1);
  mmio.write32(at("EIMS"), 1);
  mmio.write32(at("MSIXVCTRL"), 0);

  const frame = new Uint8Array(128);
  frame.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xb5]);
  for (let i = 0; i < 16; i++) nic.wire.inject(frame, 0, frame.length);
  scheduler.runUntil(scheduler.nowTicks + 50 * TICKS_PER_US);

  // One frame out through queue 0's transmit ring.
  const txRing = memory.alloc(RING * 16);
  const txBuffer = memory.alloc(2048);
  memory.write(txBuffer, frame, 0, frame.length);
  memory.writeU64(txRing, txBuffer);
  const cmd = (name: string) => fieldPosition(TX_DATA, name).mask;
  const dataType = DTYP_DATA << fieldPosition(TX_DATA, "DTYP").shift;
  const command = cmd("CMD_DEXT") | dataType | cmd("CMD_RS") | cmd("CMD_EOP") | frame.length;
  memory.writeU32(txRing + 8, command >>> 0);
  programRing(nic, "TD", "TXDCTL", txRing);
  mmio.write32(at("TDT"), 1);
  scheduler.runUntil(scheduler.nowTicks + 20 * TICKS_PER_US);

  const lines = trace.format();
  out(`bus trace (${trace.total} entries, last ${Math.min(lines.length, 40)} shown):`);
  for (const line of lines.slice(-40)) out(`  ${line}`);
  out(`device ${found ? "found" : "NOT found"}; ${interrupts} MSI-X messages`);
  for (const name of ["GPRC", "GPTC", "MPC", "QRNBC", "VICNT"]) {
    out(`  ${name.padEnd(6)} ${nic.regs.peek32(at(name))}`);
  }
  out(`${scheduler.firedCount} events in ${formatTicks(scheduler.nowTicks)} simulated`);
}

/** Programs ring 0 of one direction ("RD" or "TD") at `ring` and enables it. */
function programRing(nic: Nic, prefix: "RD" | "TD", control: string, ring: number): void {
  const map = nic.regs.map;
  nic.mmio.write32(map.offsetOf(`${prefix}BAL`), ring % 2 ** 32);
  nic.mmio.write32(map.offsetOf(`${prefix}BAH`), Math.floor(ring / 2 ** 32));
  nic.mmio.write32(map.offsetOf(`${prefix}LEN`), RING * 16);
  nic.mmio.write32(map.offsetOf(control), map.fieldMask(control, "ENABLE"));
}

/** Polls `done` once per simulated microsecond, as a driver's delay loop would. */
function pollUntil(scheduler: Scheduler, done: () => boolean): void {
  for (let tries = 0; tries < 1000 && !done(); tries++) {
    scheduler.runUntil(scheduler.nowTicks + TICKS_PER_US);
  }
}
