import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import {
  clearCounts,
  commandCounts,
  commandsConstraints,
  expectEveryCommandRan,
  expectEveryOutcome,
  itReplaysRegressions,
  outcomeCounts,
  type Regression,
} from "../support/model-test.js";
import { NicHarness } from "./nic-harness.js";
import { COMMAND_NAMES, nicCommands, rxRingParams, txRingSize } from "./nic-model-commands.js";
import { MODEL_PARAMS, NicWorld } from "./nic-model-world.js";

/**
 * Model-based test of the NIC at the register level: random sequences of what a driver,
 * the peer on the wire and time do (see nic-model-commands.ts), with every invariant
 * checked after every command (nic-model-world.ts), then a drain after which every frame
 * must have reached the driver or a drop counter and every transmit frame the wire.
 */

const QUEUES = MODEL_PARAMS.queues!;
const VECTORS = MODEL_PARAMS.vectors!;
/** Runs of the main property; NIC_MODEL_RUNS overrides it for longer hunts. */
const RUNS = Number(process.env.NIC_MODEL_RUNS ?? 1500);
const MAX_COMMANDS = 100;

/** The property; `replayPath` (from a failure report) replays a shrunk command list. */
function nicModel(replayPath?: string) {
  const commands = fc.commands(
    nicCommands(QUEUES, VECTORS),
    commandsConstraints(MAX_COMMANDS, replayPath),
  );
  return fc.property(rxRingParams, txRingSize, commands, (rx0, tx0, cmds) => {
    const world = new NicWorld();
    world.rx.program(world.h, 0, rx0);
    world.tx.program(world.h, 0, tx0);
    world.check();
    fc.modelRun(() => ({ model: world, real: world }), cmds);
    world.drain();
  });
}

/**
 * Counterexamples the property found, each a bug fixed in src/hw; they fail if the fix
 * is undone. (Their seeds replay only with the command arbitraries as they are now.)
 */
const REGRESSIONS: readonly Regression[] = [
  {
    // postTx(q0, [2B/2], split tail), advance(1000 ns): a TDT inside a frame (no EOP yet)
    // made the transmit engine loop forever at one tick (tx-dma.ts, service).
    name: "transmit tail written inside a frame",
    seed: -556509307,
    path: "1:0:0:0:0:2:1:1:1:2:1:1:1:1:3:3:4",
    replayPath: "BAEAINBAABAAX:VVB",
  },
  {
    // inject(8 frames), advance(10 us), poisonRx(q0, 3 with #2), advance x2, disableRx(q0):
    // a receive DMA fault cleared ENABLE with frames still in flight (rx-dma.ts, fault).
    name: "receive fault with frames in flight",
    seed: -2061962304,
    path:
      "10:0:0:0:3:12:12:11:15:17:16:16:11:11:11:11:13:13:11:13:11:12:12:12:11:11:11:11:11:" +
      "13:12:16:12:12:11:11:11:11:11:11:11:11:11:11:11:12:12:11:14:13:15:12:11:12:14:16:15",
    replayPath: "ASAGADADAEAAXGACAAAFADAOAAA/////X:qqqq6H",
  },
  {
    // poisonTx(q0, 1 frame, then 1 desc), advance(624 ns): a transmit DMA fault cleared
    // ENABLE with the frame before it still in flight (tx-dma.ts, fault).
    name: "transmit fault with frames in flight",
    seed: -1057045792,
    path: "27:0:0:0:0:0:3:4:7:6:6:7:8:5:5:1:3:2:2:2:2:6:2:2:3:2",
    replayPath: "AEABBAAAAAIAJAFARAAA/QAEABACA/C:VVVtqB",
  },
  {
    // poisonRx(q0, 1), inject(60B, 1515B), advance(1000 ns), disableRx(q0): writing
    // ENABLE = 0 to a faulted queue left FAULT set (ring-control.ts, controlWritten).
    name: "clearing ENABLE clears FAULT",
    seed: 1143901232,
    path: "2:0:0:0:0:0:3:4:6:5:4:6:5:5:5:8:7:7:6:6:6:6",
    replayPath: "EALABCABBABBAAEAAAAABAIMAABABAEBCAXADAAAEA/F:VVVVVVVD",
  },
];

describe("NIC model-based test", () => {
  it("keeps every invariant under random driver, wire and time commands", () => {
    clearCounts();
    fc.assert(nicModel(), { numRuns: RUNS });
    if (process.env.NIC_MODEL_VERBOSE) {
      console.log(Object.fromEntries(commandCounts), Object.fromEntries(outcomeCounts));
    }
    // Every command ran (its precondition held) a fair number of times, and every outcome
    // the commands aim at happened: nothing is silently unreachable.
    expectEveryCommandRan(COMMAND_NAMES, Math.min(5, RUNS));
    expectEveryOutcome(
      [
        "rx frame received",
        "rx frame over several descriptors",
        "rx disable with frames in flight",
        "rx fault",
        "rx fault cleared by clearing ENABLE",
        "tx frame sent",
        "tx frame padded",
        "tx fault",
        "tx tail written inside a frame",
        "irq message owed and sent",
        "irq message at the end of its moderation",
        "MPC > 0",
        "RUC > 0",
        "ROC > 0",
        "CRCERRS > 0",
        "QPRDC > 0",
        "QRNBC > 0",
        "RXDMADC > 0",
        "TXDERR > 0",
        "BADACC > 0",
      ],
      Math.min(2, RUNS),
    );
  });

  itReplaysRegressions(REGRESSIONS, nicModel);
});

describe("receive packet buffer", () => {
  /** Queue 0 with an 8-descriptor ring of 2 KiB buffers and no buffer posted. */
  function setup(dropEnable: boolean, rxPacketBufferBytes?: number) {
    const h = new NicHarness({
      queues: 2,
      vectors: 2,
      ...(rxPacketBufferBytes === undefined ? {} : { rxPacketBufferBytes }),
    });
    h.write("SRRCTL", 2 | (dropEnable ? h.mask("SRRCTL", "DROP_EN") : 0), 0);
    const ring = h.setupRing("rx", 0, 8);
    return { h, ring };
  }

  /** The frames not on the wire, buffered or in flight, and where each one went. */
  function fates(h: NicHarness) {
    return {
      buffered: h.nic.rxBufferedFrames,
      inFlight: h.nic.rxDma.framesInFlight,
      received: h.peek("GPRC"),
      missed: h.peek("MPC"),
      dropped: h.peek("QPRDC", 0),
      noDescriptor: h.peek("QRNBC", 0),
    };
  }

  it("holds a frame that finds an empty ring, and writes it when a descriptor appears", () => {
    const { h, ring } = setup(false);
    const frame = NicHarness.frame(300, 1);
    h.nic.wire.inject(frame, 0, frame.length);
    h.run(20 * TICKS_PER_US);
    expect(fates(h)).toEqual({
      buffered: 1,
      inFlight: 0,
      received: 0,
      missed: 0,
      dropped: 0,
      noDescriptor: 1,
    });
    expect(h.peek("RDH", 0)).toBe(0);
    const buffer = h.memory.alloc(2048);
    h.postRx(ring, 0, buffer);
    h.write("RDT", 1, 0);
    h.run(20 * TICKS_PER_US);
    expect(fates(h)).toEqual({
      buffered: 0,
      inFlight: 0,
      received: 1,
      missed: 0,
      dropped: 0,
      noDescriptor: 1,
    });
    expect(h.memory.readU32(ring + 8)).toBe(3); // DD | EOP
    expect(h.memory.readU32(ring + 12) & 0xffff).toBe(300);
    const got = new Uint8Array(300);
    h.memory.read(buffer, got, 0, 300);
    expect(got).toEqual(frame);
    expect(h.peek("RDH", 0)).toBe(1);
  });

  it("drops a frame that finds an empty ring into QPRDC when DROP_EN is set", () => {
    const { h, ring } = setup(true);
    const frame = NicHarness.frame(300, 1);
    h.nic.wire.inject(frame, 0, frame.length);
    h.run(20 * TICKS_PER_US);
    expect(fates(h)).toEqual({
      buffered: 0,
      inFlight: 0,
      received: 0,
      missed: 0,
      dropped: 1,
      noDescriptor: 1,
    });
    // A descriptor posted afterwards stays unused: the frame is gone.
    h.postRx(ring, 0, h.memory.alloc(2048));
    h.write("RDT", 1, 0);
    h.run(20 * TICKS_PER_US);
    expect(h.peek("GPRC")).toBe(0);
    expect(h.memory.readU32(ring + 8)).toBe(0);
    expect(h.peek("RDH", 0)).toBe(0);
  });

  it("counts frames that find the packet buffer full in MPC, and delivers the rest", () => {
    const bufferBytes = 16 * 1024;
    const { h, ring } = setup(false, bufferBytes);
    const frameBytes = 1500;
    const fit = Math.floor(bufferBytes / frameBytes);
    const frames = Array.from({ length: fit + 5 }, (_, i) => NicHarness.frame(frameBytes, i));
    for (const f of frames) h.nic.wire.inject(f, 0, f.length);
    h.run(100 * TICKS_PER_US);
    expect(fates(h)).toEqual({
      buffered: fit,
      inFlight: 0,
      received: 0,
      missed: 5,
      dropped: 0,
      noDescriptor: 1,
    });
    // The driver posts buffers and takes frames back: the buffered frames arrive, in order.
    const buffers: number[] = [];
    const seqs: number[] = [];
    let ntc = 0;
    let tail = 0;
    for (let round = 0; round < 20 && seqs.length < fit; round++) {
      for (; (tail + 1) % 8 !== ntc; tail = (tail + 1) % 8) {
        buffers[tail] = h.memory.alloc(2048);
        h.postRx(ring, tail, buffers[tail]!);
      }
      h.write("RDT", tail, 0);
      h.run(20 * TICKS_PER_US);
      for (; ntc !== tail && h.memory.readU32(ring + ntc * 16 + 8) === 3; ntc = (ntc + 1) % 8) {
        const head = new Uint8Array(18);
        h.memory.read(buffers[ntc]!, head, 0, head.length);
        seqs.push(new DataView(head.buffer).getUint32(14));
      }
    }
    expect(seqs).toEqual(Array.from({ length: fit }, (_, i) => i));
    expect(fates(h)).toMatchObject({ buffered: 0, received: fit, missed: 5, dropped: 0 });
  });
});
