import { HostMemory } from "../../src/bus/host-memory.js";
import { DTYP_CONTEXT, DTYP_DATA, TX_CONTEXT, TX_DATA } from "../../src/hw/desc/formats.js";
import { fieldPosition } from "../../src/hw/desc/schema.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { TICKS_PER_SECOND, TICKS_PER_US } from "../../src/kernel/ticks.js";
import { type BenchResult, timed } from "../measure.js";

const RING = 256;
const HEADERS = 54;

/**
 * Transmit of large sends through the LSO engine: the ring is kept full of 64 KiB
 * IPv4/TCP sends (a context descriptor and one data descriptor each) with MSS 1448, and
 * the wire takes the segments at 10 Gb/s. Reports segments per wall-clock second.
 */
export function benchNicLso(sendBytes: number, mss: number, simulatedUs: number): BenchResult {
  const scheduler = new Scheduler();
  const memory = new HostMemory();
  const nic = new Nic(scheduler, memory, { queues: 1, vectors: 1 });
  const map = nic.regs.map;
  const ring = memory.alloc(RING * 16);
  const send = largeSend(sendBytes);
  const buffer = memory.alloc(send.length);
  memory.write(buffer, send, 0, send.length);
  nic.mmio.write32(map.offsetOf("TDBAL"), ring % 2 ** 32);
  nic.mmio.write32(map.offsetOf("TDBAH"), Math.floor(ring / 2 ** 32));
  nic.mmio.write32(map.offsetOf("TDLEN"), RING * 16);
  nic.mmio.write32(map.offsetOf("TXDCTL"), map.fieldMask("TXDCTL", "ENABLE"));
  let tail = 0;
  const post = () => {
    // Keep posting sends while the ring has room: a context descriptor, then the send in
    // two data descriptors (DTALEN is 16 bits: one buffer holds at most 64 KiB - 1).
    const head = nic.regs.peek32(map.offsetOf("TDH"));
    const free = () => (head - tail - 1 + RING) % RING;
    const half = Math.ceil(send.length / 2);
    while (free() >= 3) {
      writeContext(memory, ring + tail * 16, mss);
      writeData(memory, ring + ((tail + 1) % RING) * 16, buffer, half, send.length, false);
      writeData(
        memory,
        ring + ((tail + 2) % RING) * 16,
        buffer + half,
        send.length - half,
        0,
        true,
      );
      tail = (tail + 3) % RING;
    }
    nic.mmio.write32(map.offsetOf("TDT"), tail);
  };
  const poll = scheduler.timer("bench.post", () => {
    post();
    poll.scheduleIn(50 * TICKS_PER_US);
  });
  poll.scheduleIn(0);
  const simulatedTicks = simulatedUs * TICKS_PER_US;
  const { seconds } = timed(() => scheduler.runUntil(simulatedTicks));
  const segments = nic.wire.fromNic.framesSent;
  return {
    name: `NIC TX LSO ${sendBytes / 1024} KiB sends, MSS ${mss}`,
    unit: "frames/s",
    perSecond: segments / seconds,
    slowdown: seconds / (simulatedTicks / TICKS_PER_SECOND),
    note: `${segments} segments on the wire in ${simulatedUs / 1000} ms simulated`,
  };
}

function writeContext(memory: HostMemory, at: number, mss: number): void {
  const f = (name: string, value: number) => value << fieldPosition(TX_CONTEXT, name).shift;
  memory.writeU32(at, f("MACLEN", 14) | f("IPLEN", 20));
  memory.writeU32(at + 4, 0);
  const dword2 = f("DEXT", 1) | f("DTYP", DTYP_CONTEXT) | f("TUCMD_IPV4", 1) | f("TUCMD_L4T", 1);
  memory.writeU32(at + 8, dword2 >>> 0);
  memory.writeU32(at + 12, (f("MSS", mss) | f("L4LEN", 20)) >>> 0);
}

/** A data descriptor of a TSE send; the first carries the options, the last EOP and RS. */
function writeData(
  memory: HostMemory,
  at: number,
  buffer: number,
  length: number,
  sendBytes: number,
  last: boolean,
): void {
  const f = (name: string, value: number) => value << fieldPosition(TX_DATA, name).shift;
  memory.writeU64(at, buffer);
  const end = last ? f("CMD_RS", 1) | f("CMD_EOP", 1) : 0;
  const cmd = f("CMD_TSE", 1) | f("CMD_DEXT", 1) | end | f("DTYP", DTYP_DATA);
  memory.writeU32(at + 8, (cmd | length) >>> 0);
  const checksums = f("POPTS_TXSM", 1) | f("POPTS_IXSM", 1);
  const options = sendBytes === 0 ? 0 : f("PAYLEN", sendBytes - HEADERS) | checksums;
  memory.writeU32(at + 12, options >>> 0);
}

/** An Ethernet/IPv4/TCP large send with `payloadBytes` of payload. */
function largeSend(payloadBytes: number): Uint8Array {
  const f = new Uint8Array(HEADERS + payloadBytes);
  f.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00]);
  f.set([0x45, 0, 0xff, 0xff, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  f.set([0x30, 0x39, 0, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0], 34);
  for (let i = HEADERS; i < f.length; i++) f[i] = i & 0xff;
  return f;
}
