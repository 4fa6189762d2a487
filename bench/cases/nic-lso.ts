import { HostMemory } from "../../src/bus/host-memory.js";
import { DTYP_CONTEXT, DTYP_DATA, TX_CONTEXT, TX_DATA } from "../../src/hw/desc/formats.js";
import { DESCRIPTOR_BYTES, type FieldPosition, fieldPosition } from "../../src/hw/desc/schema.js";
import { Nic } from "../../src/hw/nic.js";
import {
  ETHERNET_HEADER_BYTES,
  IPV4_MIN_HEADER_BYTES,
  TCP_MIN_HEADER_BYTES,
} from "../../src/hw/parse/protocols.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { TICKS_PER_SECOND, TICKS_PER_US } from "../../src/kernel/ticks.js";
import {
  type FrameTemplate,
  headerBytes,
  writeHeaders,
} from "../../src/sim/frames/frame-builder.js";
import { type BenchResult, timed } from "../measure.js";

const RING = 256;
/**
 * The large send's headers. The engine sets the IP length, identification and checksums
 * and the TCP sequence number and checksum per segment.
 */
const LARGE_SEND: FrameTemplate = {
  dst: [2, 0, 0, 0, 0, 1],
  src: [2, 0, 0, 0, 0, 2],
  ip: 4,
  l4: "tcp",
  srcIp: [10, 0, 0, 1],
  dstIp: [10, 0, 0, 2],
  srcPort: 12345,
  dstPort: 80,
};
const HEADERS = headerBytes(LARGE_SEND);

/**
 * Transmit of large sends through the LSO engine: the ring is kept full of 64 KiB
 * IPv4/TCP sends (a context descriptor and two data descriptors each) with MSS 1448, and
 * the wire takes the segments at 10 Gb/s. Reports segments per wall-clock second.
 */
export function benchNicLso(sendBytes: number, mss: number, simulatedUs: number): BenchResult {
  const scheduler = new Scheduler();
  const memory = new HostMemory();
  const nic = new Nic(scheduler, memory, { queues: 1, vectors: 1 });
  const map = nic.regs.map;
  const ring = memory.alloc(RING * DESCRIPTOR_BYTES);
  const send = largeSend(sendBytes);
  const buffer = memory.alloc(send.length);
  memory.write(buffer, send, 0, send.length);
  nic.mmio.write32(map.offsetOf("TDBAL"), ring % 2 ** 32);
  nic.mmio.write32(map.offsetOf("TDBAH"), Math.floor(ring / 2 ** 32));
  nic.mmio.write32(map.offsetOf("TDLEN"), RING * DESCRIPTOR_BYTES);
  nic.mmio.write32(map.offsetOf("TXDCTL"), map.fieldMask("TXDCTL", "ENABLE"));
  let tail = 0;
  const post = () => {
    // Keep posting sends while the ring has room: a context descriptor, then the send in
    // two data descriptors (DTALEN is 16 bits: one buffer holds at most 64 KiB - 1).
    const head = nic.regs.peek32(map.offsetOf("TDH"));
    const free = () => (head - tail - 1 + RING) % RING;
    const half = Math.ceil(send.length / 2);
    while (free() >= 3) {
      writeContext(memory, ring + tail * DESCRIPTOR_BYTES, mss);
      writeData(
        memory,
        ring + ((tail + 1) % RING) * DESCRIPTOR_BYTES,
        buffer,
        half,
        send.length,
        false,
      );
      writeData(
        memory,
        ring + ((tail + 2) % RING) * DESCRIPTOR_BYTES,
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

/** Field `f` set to `value` within its dword. */
const put = (f: FieldPosition, value: number): number => ((value << f.shift) & f.mask) >>> 0;

/** Writes a descriptor whose fields are `fields` (every other bit 0). */
function writeDescriptor(memory: HostMemory, at: number, fields: [FieldPosition, number][]): void {
  const dwords = [0, 0, 0, 0];
  for (const [f, value] of fields) dwords[f.byte / 4] = (dwords[f.byte / 4]! | put(f, value)) >>> 0;
  memory.writeDescriptor(at, dwords[0]!, dwords[1]!, dwords[2]!, dwords[3]!);
}

function writeContext(memory: HostMemory, at: number, mss: number): void {
  const f = (name: string, value: number): [FieldPosition, number] => [
    fieldPosition(TX_CONTEXT, name),
    value,
  ];
  writeDescriptor(memory, at, [
    f("MACLEN", ETHERNET_HEADER_BYTES),
    f("IPLEN", IPV4_MIN_HEADER_BYTES),
    f("DEXT", 1),
    f("DTYP", DTYP_CONTEXT),
    f("TUCMD_IPV4", 1),
    f("TUCMD_L4T", 1),
    f("MSS", mss),
    f("L4LEN", TCP_MIN_HEADER_BYTES),
  ]);
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
  const f = (name: string, value: number): [FieldPosition, number] => [
    fieldPosition(TX_DATA, name),
    value,
  ];
  const fields = [
    f("BUFFER_ADDR_LO", buffer % 2 ** 32),
    f("BUFFER_ADDR_HI", Math.floor(buffer / 2 ** 32)),
    f("DTALEN", length),
    f("CMD_TSE", 1),
    f("CMD_DEXT", 1),
    f("DTYP", DTYP_DATA),
  ];
  if (last) fields.push(f("CMD_RS", 1), f("CMD_EOP", 1));
  if (sendBytes !== 0) {
    fields.push(f("PAYLEN", sendBytes - HEADERS), f("POPTS_TXSM", 1), f("POPTS_IXSM", 1));
  }
  writeDescriptor(memory, at, fields);
}

/** An Ethernet/IPv4/TCP large send with `payloadBytes` of payload. */
function largeSend(payloadBytes: number): Uint8Array {
  const f = new Uint8Array(HEADERS + payloadBytes);
  writeHeaders(LARGE_SEND, f.length, f);
  for (let i = HEADERS; i < f.length; i++) f[i] = i & 0xff;
  return f;
}
