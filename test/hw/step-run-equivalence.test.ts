import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NicHarness } from "./nic-harness.js";

// Two ways of advancing the same model must give the same history: stepping the NIC core
// clock one cycle at a time (`scheduler.step(nic.clock)`), and jumping from event to event
// in arbitrary chunks (`scheduler.runUntil`). Each run builds a fresh NIC and replays the
// same driver actions, every one scheduled as an event at its tick, so both runs see them
// at the same simulated times; then the recorded traces and final state must be identical.

const RX_VALID = 0x80;
const TX_VALID = 0x8000;
const RING = 64;

type Action =
  | { kind: "inject"; len: number; badFcs: boolean }
  | { kind: "postTx"; q: number; lens: number[] }
  | { kind: "postRx"; q: number; count: number }
  | { kind: "write"; reg: string; n: number; value: number }
  | { kind: "read"; reg: string; n: number }
  | { kind: "reset" };

interface Workload {
  hz: number;
  linkSpeedMbps: number;
  wthresh: number;
  ivar: number[];
  actions: { at: number; action: Action }[];
  end: number;
  chunks: number[];
}

interface Trace {
  fires: string[];
  messages: string[];
  wire: string[];
  reads: string[];
  regs: number[];
  memory: string[];
  now: number;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Builds the NIC, schedules the workload, and returns a function that reads the trace. */
function setUp(w: Workload): { h: NicHarness; finish: () => Trace } {
  const h = new NicHarness({
    queues: 2,
    vectors: 4,
    coreClockHz: w.hz,
    linkSpeedMbps: w.linkSpeedMbps,
  });
  const s = h.scheduler;
  const fires: string[] = [];
  const messages: string[] = [];
  const wire: string[] = [];
  const reads: string[] = [];
  s.onFire((at, timer) => fires.push(`${at} ${timer.name}`));
  h.nic.setMsixListener((v, address, data, at) =>
    messages.push(`${at} v${v} ${address.toString(16)} ${data.toString(16)}`),
  );
  h.nic.wire.tap((dir, frame, length, at) =>
    wire.push(`${at} ${dir} ${hex(frame.subarray(0, length))}`),
  );
  const regions: { address: number; bytes: number }[] = [];
  const alloc = (bytes: number) => {
    const address = h.memory.alloc(bytes);
    regions.push({ address, bytes });
    return address;
  };

  // Tick 0: the driver brings the queues up (also an event, like everything it does).
  const rings = { rx: [0, 0], tx: [0, 0] };
  const rxTail = [0, 0];
  const txTail = [0, 0];
  let seq = 0;
  s.at(0, "test.setup", () => {
    for (let v = 0; v < 4; v++) {
      h.write("MSIXAL", 0xfee0_0000 + v * 0x10, v);
      h.write("MSIXDATA", 0x30 + v, v);
      h.write("MSIXVCTRL", 0, v);
    }
    h.write("EIMS", 0xf);
    for (let q = 0; q < 2; q++) {
      h.write("IVAR", w.ivar[q]!, q);
      rings.rx[q] = h.setupRing("rx", q, RING, w.wthresh << 16);
      regions.push({ address: rings.rx[q]!, bytes: RING * 16 });
      rings.tx[q] = h.setupRing("tx", q, RING);
      regions.push({ address: rings.tx[q]!, bytes: RING * 16 });
    }
  });

  for (const { at, action } of w.actions) {
    s.at(at, `test.${action.kind}`, () => {
      switch (action.kind) {
        case "inject": {
          const f = NicHarness.frame(action.len, seq++);
          h.nic.wire.inject(f, 0, f.length, action.badFcs);
          break;
        }
        case "postTx": {
          const q = action.q;
          for (const len of action.lens) {
            if ((txTail[q]! + 1) % RING === h.read("TDH", q)) break;
            const buffer = alloc(len);
            h.memory.write(buffer, NicHarness.frame(len, seq++), 0, len);
            h.postTx(rings.tx[q]!, txTail[q]!, buffer, len);
            txTail[q] = (txTail[q]! + 1) % RING;
          }
          h.write("TDT", txTail[q]!, q);
          break;
        }
        case "postRx": {
          const q = action.q;
          for (let i = 0; i < action.count; i++) {
            if ((rxTail[q]! + 1) % RING === h.read("RDH", q)) break;
            h.postRx(rings.rx[q]!, rxTail[q]!, alloc(2048));
            rxTail[q] = (rxTail[q]! + 1) % RING;
          }
          h.write("RDT", rxTail[q]!, q);
          break;
        }
        case "write":
          h.write(action.reg, action.value, action.n);
          break;
        case "read":
          reads.push(`${s.nowTicks} ${action.reg}[${action.n}] = ${h.read(action.reg, action.n)}`);
          break;
        case "reset":
          h.write("CTRL", h.mask("CTRL", "RST"));
          break;
      }
    });
  }

  const finish = (): Trace => {
    const memory = regions.map(({ address, bytes }) => {
      const buf = new Uint8Array(bytes);
      h.memory.read(address, buf, 0, bytes);
      return `${address.toString(16)} ${hex(buf)}`;
    });
    return {
      fires,
      messages,
      wire,
      reads,
      regs: Array.from(h.nic.regs.words),
      memory,
      now: s.nowTicks,
    };
  };
  return { h, finish };
}

function runStepping(w: Workload): Trace {
  const { h, finish } = setUp(w);
  const s = h.scheduler;
  let steps = 0;
  while (s.nowTicks < w.end) {
    const before = s.nowTicks;
    const edge = s.step(h.nic.clock);
    // Each step lands on the next edge of the core clock, never beyond it.
    if (edge !== h.nic.clock.nextEdgeAfter(before) || edge <= before) {
      throw new Error(`step from ${before} went to ${edge}`);
    }
    steps++;
  }
  expect(steps).toBeGreaterThan(0);
  expect(s.nowTicks).toBe(w.end);
  return finish();
}

function runChunked(w: Workload): Trace {
  const { h, finish } = setUp(w);
  const s = h.scheduler;
  let i = 0;
  while (s.nowTicks < w.end) {
    const chunk = w.chunks[i++ % w.chunks.length]!;
    s.runUntil(Math.min(w.end, s.nowTicks + chunk));
  }
  return finish();
}

const REGS_WRITTEN: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("write" as const),
    reg: fc.constantFrom("EITR"),
    n: fc.integer({ min: 0, max: 3 }),
    value: fc.oneof(
      fc.integer({ min: 0, max: 6 }).map((u) => u << 3),
      fc.integer({ min: 0, max: 6 }).map((u) => ((u << 3) | 0x8000_0000) >>> 0),
    ),
  }),
  fc.record({
    kind: fc.constant("write" as const),
    reg: fc.constantFrom("EIMS", "EIMC", "EICS", "EICR", "EIAC", "EIAM"),
    n: fc.constant(0),
    value: fc.integer({ min: 0, max: 15 }),
  }),
  fc.record({
    kind: fc.constant("write" as const),
    reg: fc.constant("MSIXVCTRL"),
    n: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: 0, max: 1 }),
  }),
  fc.record({
    kind: fc.constant("write" as const),
    reg: fc.constant("SRRCTL"),
    n: fc.integer({ min: 0, max: 1 }),
    value: fc.integer({ min: 1, max: 3 }),
  }),
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("inject" as const),
      len: fc.oneof(fc.integer({ min: 60, max: 1514 }), fc.integer({ min: 30, max: 3000 })),
      badFcs: fc.oneof(
        { weight: 5, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("postTx" as const),
      q: fc.integer({ min: 0, max: 1 }),
      lens: fc.array(fc.integer({ min: 20, max: 1514 }), { minLength: 1, maxLength: 6 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("postRx" as const),
      q: fc.integer({ min: 0, max: 1 }),
      count: fc.integer({ min: 1, max: 20 }),
    }),
  },
  { weight: 4, arbitrary: REGS_WRITTEN },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("read" as const),
      reg: fc.constantFrom("EICR", "EIMS", "VICNT", "GPRC", "GPTC", "MPC", "QRNBC", "RDH", "TDH"),
      n: fc.constant(0),
    }),
  },
);

const workloadArb: fc.Arbitrary<Workload> = fc
  .record({
    hz: fc.constantFrom(250_000_000, 300_000_000, 156_250_000),
    linkSpeedMbps: fc.constantFrom(10_000, 25_000, 100_000),
    wthresh: fc.constantFrom(0, 1, 4),
    ivar: fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
      .map(([a, b]) => [RX_VALID | a | TX_VALID | (b << 8), RX_VALID | b | TX_VALID | (a << 8)]),
    spanNs: fc.integer({ min: 2_000, max: 30_000 }),
    actions: fc.array(fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.boolean(), actionArb), {
      maxLength: 50,
      size: "max",
    }),
    // Now and then a device reset somewhere in the run.
    resetAt: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { freq: 4 }),
    chunks: fc.array(
      fc.oneof(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 5_000_000 }),
      ),
      { minLength: 1, maxLength: 20 },
    ),
  })
  .map(({ spanNs, actions, resetAt, ...rest }) => {
    const spanTicks = spanNs * 1_000;
    // Action times: a fraction of the span (in millionths), either anywhere or rounded down
    // to a multiple of 4 ns (an edge of the 250 MHz clock), so that actions coincide with
    // clock edges as well as fall between them.
    const tick = (millionths: number, onGrid: boolean) => {
      const t = 1 + Math.floor((millionths / 1_000_000) * spanTicks);
      return onGrid ? Math.max(4_000, t - (t % 4_000)) : t;
    };
    const timed: { at: number; action: Action }[] = actions.map(([t, onGrid, action]) => ({
      at: tick(t, onGrid),
      action,
    }));
    if (resetAt !== null) timed.push({ at: tick(resetAt, false), action: { kind: "reset" } });
    timed.sort((a, b) => a.at - b.at);
    return { ...rest, actions: timed, end: spanTicks + 1 };
  })
  .map((w) => ({ ...w, end: edgeAtOrAfter(w.end, w.hz) }));

/**
 * The run ends on a core clock edge, so stepping reaches it exactly. Edge n of a clock of
 * `hz` is at floor(n * 1e12 / hz) ps; the first at or after t is edge ceil(t * hz / 1e12).
 */
function edgeAtOrAfter(t: number, hz: number): number {
  const ps = 1_000_000_000_000n;
  const n = (BigInt(t) * BigInt(hz) + ps - 1n) / ps;
  return Number((n * ps) / BigInt(hz));
}

describe("stepping and running give identical traces", () => {
  it("for random workloads of frames, rings, register writes and reads", () => {
    fc.assert(
      fc.property(workloadArb, (w) => {
        const stepped = runStepping(w);
        const chunked = runChunked(w);
        expect(chunked.now).toBe(stepped.now);
        expect(chunked.fires).toEqual(stepped.fires);
        expect(chunked.messages).toEqual(stepped.messages);
        expect(chunked.wire).toEqual(stepped.wire);
        expect(chunked.reads).toEqual(stepped.reads);
        expect(chunked.regs).toEqual(stepped.regs);
        expect(chunked.memory).toEqual(stepped.memory);
      }),
      { numRuns: 150 },
    );
  });

  it("exercises the data path (a sanity check on the workload generator)", () => {
    const w: Workload = {
      hz: 250_000_000,
      linkSpeedMbps: 10_000,
      wthresh: 0,
      ivar: [RX_VALID | 1 | TX_VALID | (2 << 8), RX_VALID | 3],
      actions: [
        { at: 10, action: { kind: "postRx", q: 0, count: 8 } },
        { at: 20, action: { kind: "inject", len: 100, badFcs: false } },
        { at: 30, action: { kind: "postTx", q: 0, lens: [200, 64] } },
        { at: 5_000_001, action: { kind: "read", reg: "GPRC", n: 0 } },
      ],
      end: 10_000_000,
      chunks: [777_777],
    };
    const stepped = runStepping(w);
    expect(stepped.wire.filter((x) => x.includes(" rx ")).length).toBe(1);
    expect(stepped.wire.filter((x) => x.includes(" tx ")).length).toBe(2);
    expect(stepped.messages.length).toBeGreaterThanOrEqual(2);
    expect(stepped.reads).toEqual(["5000001 GPRC[0] = 1"]);
    expect(runChunked(w)).toEqual(stepped);
  });
});
