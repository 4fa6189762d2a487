import { HostMemory } from "../../src/bus/host-memory.js";
import { DriverRegisters } from "../../src/driver/registers.js";
import { DEFAULT_RSS_KEY, RSS_HASH, RssProgram } from "../../src/driver/rss.js";
import { DESCRIPTOR_BYTES } from "../../src/hw/desc/schema.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { TICKS_PER_SECOND, TICKS_PER_US } from "../../src/kernel/ticks.js";
import { type BenchResult, timed } from "../measure.js";
import { startLineRateFeed, udpFrame } from "../traffic.js";

const RING = 1024;
const BUFFER_BYTES = 2048;
const POLL_TICKS = 20 * TICKS_PER_US;
/**
 * The run is timed in two parts, and the second also reported on its own: the first
 * part includes the JIT compiling the data path (about 80 ms of wall time, measured: the
 * first simulated millisecond takes 8 times as long as a later one), the rest shows the
 * speed once it has. The 64-byte cases run 500 ms simulated, so that one-off cost is a
 * small share of the figure, as it is of any real run.
 */
const WARM_UP_US = 5_000;

/**
 * Receive through the NIC alone at line rate: the wire delivers back-to-back frames, the
 * device writes them into rings, and a minimal host-side poller (no driver, no CPU model)
 * reclaims written-back descriptors and re-posts them every 20 us of simulated time.
 * Frames are IPv4/UDP (checksum 0, so only the IPv4 header checksum is validated), each
 * from a new source port; with several queues RSS spreads them over all.
 */
export function benchNicRx(frameBytes: number, queues: number, simulatedUs: number): BenchResult {
  const scheduler = new Scheduler();
  const memory = new HostMemory();
  const nic = new Nic(scheduler, memory, { queues: Math.max(queues, 1) });
  const map = nic.regs.map;
  const rings: number[] = [];
  const bufferAreas: number[] = [];
  const next = new Int32Array(queues);
  for (let q = 0; q < queues; q++) {
    const ring = memory.alloc(RING * DESCRIPTOR_BYTES);
    const buffers = memory.alloc(RING * BUFFER_BYTES);
    for (let i = 0; i < RING; i++)
      memory.writeU64(ring + i * DESCRIPTOR_BYTES, buffers + i * BUFFER_BYTES);
    nic.mmio.write32(map.offsetOf("RDBAL", q), ring % 2 ** 32);
    nic.mmio.write32(map.offsetOf("RDBAH", q), Math.floor(ring / 2 ** 32));
    nic.mmio.write32(map.offsetOf("RDLEN", q), RING * DESCRIPTOR_BYTES);
    nic.mmio.write32(map.offsetOf("RDT", q), 0);
    const bufferKiB = BUFFER_BYTES / 1024;
    const srrctl =
      map.fieldMask("SRRCTL", "DROP_EN") | (bufferKiB << map.fieldShift("SRRCTL", "BSIZEPACKET"));
    nic.mmio.write32(map.offsetOf("SRRCTL", q), srrctl);
    nic.mmio.write32(map.offsetOf("RXDCTL", q), map.fieldMask("RXDCTL", "ENABLE"));
    nic.mmio.write32(map.offsetOf("RDT", q), RING - 1);
    rings.push(ring);
    bufferAreas.push(buffers);
  }
  if (queues > 1) enableRss(nic, queues);
  const frame = udpFrame(frameBytes);
  const poll = scheduler.timer("bench.poll", () => {
    for (let q = 0; q < queues; q++) {
      const ring = rings[q]!;
      const head = nic.regs.peek32(map.offsetOf("RDH", q));
      for (let i = next[q]!; i !== head; i = (i + 1) % RING) {
        // The write-back overwrote the buffer address: post the buffer again (read format:
        // buffer address, then a header address of 0).
        const buffer = bufferAreas[q]! + i * BUFFER_BYTES;
        const high = Math.floor(buffer / 2 ** 32);
        memory.writeDescriptor(ring + i * DESCRIPTOR_BYTES, buffer - high * 2 ** 32, high, 0, 0);
      }
      next[q] = head;
      nic.mmio.write32(map.offsetOf("RDT", q), (head + RING - 1) % RING);
    }
    poll.scheduleIn(POLL_TICKS);
  });
  startLineRateFeed(nic, frame);
  poll.scheduleIn(POLL_TICKS);
  const simulatedTicks = simulatedUs * TICKS_PER_US;
  const warmUpUs = Math.min(WARM_UP_US, simulatedUs);
  const first = timed(() => scheduler.runUntil(warmUpUs * TICKS_PER_US));
  const receivedInWarmUp = nic.regs.peek32(map.offsetOf("GPRC"));
  const rest = timed(() => scheduler.runUntil(simulatedTicks));
  const seconds = first.seconds + rest.seconds;
  const received = nic.regs.peek32(map.offsetOf("GPRC"));
  const warmRate = (received - receivedInWarmUp) / rest.seconds;
  let dropped = nic.regs.peek32(map.offsetOf("MPC"));
  for (let q = 0; q < queues; q++) dropped += nic.regs.peek32(map.offsetOf("QPRDC", q));
  return {
    name: `NIC RX ${frameBytes + 4}B frames, ${queues > 1 ? `RSS over ${queues} queues` : "1 queue"}`,
    unit: "frames/s",
    perSecond: received / seconds,
    slowdown: seconds / (simulatedTicks / TICKS_PER_SECOND),
    note:
      `${received} frames in ${simulatedUs / 1000} ms simulated, ${dropped} dropped; ` +
      `${(warmRate / 1e6).toFixed(2)} M/s after the first ${warmUpUs / 1000} ms`,
  };
}

/** RSS over every queue: the published default key, RETA round robin, IPv4 and UDP/IPv4 hashing. */
function enableRss(nic: Nic, queues: number): void {
  const rss = new RssProgram(new DriverRegisters(nic.mmio, nic.regs.map));
  rss.writeKey(DEFAULT_RSS_KEY);
  rss.writeTable(Array.from({ length: queues }, (_, q) => q));
  rss.writeHashTypes(RSS_HASH.IPV4 | RSS_HASH.UDP_IPV4);
}
