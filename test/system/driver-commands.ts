import fc from "fast-check";
import { RSS_HASH } from "../../src/driver/rss.js";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import { AsyncModelCommand } from "../support/model-test.js";
import type { DriverWorld, OverlapKind, RssRequest, WorldConfig } from "./driver-world.js";
import {
  type Breakage,
  type Destination,
  normalizeRxSpec,
  type RxFrameSpec,
  type TxSendSpec,
  VM_MACS,
} from "./system-frames.js";

/**
 * The commands of the driver model test: what the upper edge (sends, requests), the peer
 * (frames from the wire) and time do. Queues are named by a choice among the queues in
 * use (the model resolves it when the command runs), so every command applies in every
 * state and shrinks well. Each run counts itself and ends with the world's checks
 * (AsyncModelCommand, test/support/model-test.ts).
 */

type Cmd = fc.AsyncCommand<DriverWorld, DriverWorld>;

/** A processor choice: a processor modulo the host's count, or one past the last. */
interface ProcessorChoice {
  readonly p: number;
  readonly invalid: boolean;
}

function processorOf(w: DriverWorld, c: ProcessorChoice): number {
  return c.invalid ? w.config.processors : c.p % w.config.processors;
}

function showProcessor(c: ProcessorChoice): string {
  return c.invalid ? "p(out of range)" : `p${c.p}`;
}

function showVlan(vlan: number | undefined): string {
  return vlan === undefined ? "" : ` vlan ${vlan}`;
}

function showRx(s: RxFrameSpec): string {
  const broken = s.breakage === "none" ? "" : `!${s.breakage}`;
  return `${s.dst}${showVlan(s.vlan)}/${s.l4}/f${s.flow}/${s.length}${broken}`;
}

function showTx(s: TxSendSpec): string {
  if (s.kind === "lso") return `lso(${s.size}/${s.mss})`;
  if (s.kind === "checksum") return `csum(${s.udp ? "udp" : "tcp"},${s.which},${s.size})`;
  return `${s.kind}(${s.size})`;
}

class Inject extends AsyncModelCommand<DriverWorld> {
  readonly name = "inject";
  constructor(readonly frames: readonly RxFrameSpec[]) {
    super();
  }
  act(w: DriverWorld): void {
    w.inject(this.frames);
  }
  toString(): string {
    return `inject(${this.frames.map(showRx).join(" ")})`;
  }
}

/** Many large frames at once: rings, the packet buffer and the processors overflow. */
class Flood extends AsyncModelCommand<DriverWorld> {
  readonly name = "flood";
  constructor(
    readonly frames: readonly RxFrameSpec[],
    readonly copies: number,
  ) {
    super();
  }
  act(w: DriverWorld): void {
    for (let i = 0; i < this.copies; i++) w.inject(this.frames);
  }
  toString(): string {
    return `flood(${this.copies} x ${this.frames.map(showRx).join(" ")})`;
  }
}

class Send extends AsyncModelCommand<DriverWorld> {
  readonly name = "send";
  constructor(
    readonly queue: number,
    readonly sends: readonly TxSendSpec[],
  ) {
    super();
  }
  act(w: DriverWorld): void {
    w.send(this.queue, this.sends);
  }
  toString(): string {
    return `send(#${this.queue}, ${this.sends.map(showTx).join(" ")})`;
  }
}

class Advance extends AsyncModelCommand<DriverWorld> {
  readonly name = "advance";
  constructor(readonly ticks: number) {
    super();
  }
  act(w: DriverWorld): void {
    w.run(this.ticks);
  }
  toString(): string {
    return `advance(${this.ticks / TICKS_PER_US} us)`;
  }
}

class Allocate extends AsyncModelCommand<DriverWorld> {
  readonly name = "allocate-queue";
  constructor(
    readonly mac: number,
    readonly vlan: number | undefined,
    readonly processor: ProcessorChoice,
    readonly badMac: boolean,
  ) {
    super();
  }
  async act(w: DriverWorld): Promise<void> {
    await w.allocate(this.mac, this.vlan, processorOf(w, this.processor), this.badMac);
  }
  toString(): string {
    const mac = this.badMac ? "group MAC" : `vm${this.mac}`;
    return `allocate(${mac}${showVlan(this.vlan)}, ${showProcessor(this.processor)})`;
  }
}

class Free extends AsyncModelCommand<DriverWorld> {
  readonly name = "free-queue";
  constructor(
    readonly queue: number,
    readonly anyQueue: boolean,
    readonly burst: readonly RxFrameSpec[],
    readonly delayUs: number,
  ) {
    super();
  }
  async act(w: DriverWorld): Promise<void> {
    w.inject(this.burst);
    w.run(this.delayUs * TICKS_PER_US);
    await w.free(this.queue, this.anyQueue);
  }
  toString(): string {
    const burst = this.burst.map(showRx).join(" ");
    const q = `${this.anyQueue ? "" : "vmq "}#${this.queue}`;
    return `free(${q}, ${this.delayUs} us into ${burst})`;
  }
}

class SetFilter extends AsyncModelCommand<DriverWorld> {
  readonly name = "set-filter";
  constructor(
    readonly queue: number,
    readonly mac: number,
    readonly vlan: number | undefined,
  ) {
    super();
  }
  async act(w: DriverWorld): Promise<void> {
    await w.setFilter(this.queue, this.mac, this.vlan);
  }
  toString(): string {
    return `setFilter(#${this.queue}, vm${this.mac}${showVlan(this.vlan)})`;
  }
}

class Retarget extends AsyncModelCommand<DriverWorld> {
  readonly name = "set-queue-processor";
  constructor(
    readonly queue: number,
    readonly processor: ProcessorChoice,
    readonly burst: readonly RxFrameSpec[],
    readonly delayUs: number,
  ) {
    super();
  }
  async act(w: DriverWorld): Promise<void> {
    const p = processorOf(w, this.processor);
    await w.retarget(this.queue, p, this.burst, this.delayUs * TICKS_PER_US);
  }
  toString(): string {
    const burst = this.burst.map(showRx).join(" ");
    const to = showProcessor(this.processor);
    return `retarget(#${this.queue} -> ${to}, ${this.delayUs} us into ${burst})`;
  }
}

class SetModeration extends AsyncModelCommand<DriverWorld> {
  readonly name = "set-moderation";
  constructor(
    readonly target: number,
    readonly byVector: boolean,
    readonly intervalUs: number,
  ) {
    super();
  }
  async act(w: DriverWorld): Promise<void> {
    await w.setModeration(this.target, this.byVector, this.intervalUs);
  }
  toString(): string {
    const target = this.byVector ? `vector #${this.target}` : `#${this.target}`;
    return `setModeration(${target}, ${this.intervalUs} us)`;
  }
}

class SetRss extends AsyncModelCommand<DriverWorld> {
  readonly name = "set-rss";
  constructor(readonly rss: RssRequest) {
    super();
  }
  async act(w: DriverWorld): Promise<void> {
    await w.setRss(this.rss);
  }
  toString(): string {
    const r = this.rss;
    const parts = [
      r.hashTypes === undefined ? "" : `hash 0x${r.hashTypes.toString(16)}`,
      r.key === undefined ? "" : `key[${r.key.length}] ${r.key.slice(0, 4).join(",")}...`,
      r.indirection === undefined
        ? ""
        : `table[${r.indirection.length}] ${r.indirection.slice(0, 8).join(",")}`,
      r.base === undefined ? "" : `base ${r.base}`,
    ];
    return `setRss(${parts.filter((p) => p !== "").join(", ")})`;
  }
}

class Overlap extends AsyncModelCommand<DriverWorld> {
  readonly name = "overlap";
  constructor(
    readonly kind: OverlapKind,
    readonly queue: number,
    readonly other: number,
    readonly pick: number,
    readonly burst: readonly RxFrameSpec[],
    readonly delayUs: number,
  ) {
    super();
  }
  async act(w: DriverWorld): Promise<void> {
    const delay = this.delayUs * TICKS_PER_US;
    await w.overlap(this.kind, this.queue, this.other, this.pick, this.burst, delay);
  }
  toString(): string {
    const burst = this.burst.map(showRx).join(" ");
    const q = `#${this.queue}, #${this.other}, pick ${this.pick}`;
    return `overlap(${this.kind}, ${q}, ${this.delayUs} us into ${burst})`;
  }
}

class Reset extends AsyncModelCommand<DriverWorld> {
  readonly name = "reset";
  async act(w: DriverWorld): Promise<void> {
    await w.reset();
  }
  toString(): string {
    return "reset";
  }
}

/** The names of every command, for the counts. */
export const COMMAND_NAMES = [
  "inject",
  "flood",
  "send",
  "advance",
  "allocate-queue",
  "free-queue",
  "set-filter",
  "set-queue-processor",
  "set-moderation",
  "set-rss",
  "overlap",
  "reset",
] as const;

// --- Arbitraries ---------------------------------------------------------------------

const vlanChoice = fc.option(fc.constantFrom(10, 20), { nil: undefined, freq: 2 });
const macChoice = fc.integer({ min: 0, max: VM_MACS.length - 1 });
const queueChoice = fc.nat({ max: 15 });
/** A processor, one time in 16 one past the last (processor-out-of-range). */
const processor: fc.Arbitrary<ProcessorChoice> = fc
  .tuple(fc.nat({ max: 3 }), fc.nat({ max: 15 }))
  .map(([p, roll]) => ({ p, invalid: roll === 0 }));

const destination: fc.Arbitrary<Destination> = fc.oneof(
  { weight: 6, arbitrary: macChoice },
  { weight: 2, arbitrary: fc.constant("unknown" as const) },
  { weight: 1, arbitrary: fc.constant("broadcast" as const) },
);

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  { weight: 40, arbitrary: fc.constant("none" as const) },
  { weight: 1, arbitrary: fc.constantFrom("fcs" as const, "runt" as const, "oversize" as const) },
);

export const rxFrame: fc.Arbitrary<RxFrameSpec> = fc
  .record({
    dst: destination,
    vlan: fc.option(fc.constantFrom(10, 20, 30), { nil: undefined, freq: 3 }),
    l4: fc.constantFrom("tcp" as const, "udp" as const, "raw" as const),
    flow: fc.nat({ max: 5 }),
    length: fc.oneof(fc.integer({ min: 60, max: 200 }), fc.integer({ min: 60, max: 1514 })),
    breakage,
  })
  .map(normalizeRxSpec);

/** How long traffic flows before a request: a few microseconds, or long enough to fill rings. */
const delayUs = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 5, max: 80 }));

const burst = (max: number) => fc.array(rxFrame, { minLength: 1, maxLength: max });

export const txSend: fc.Arbitrary<TxSendSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom("raw" as const, "tcp" as const),
      size: fc.integer({ min: 60, max: 1514 }),
      mss: fc.constant(0),
      udp: fc.constant(false),
      which: fc.constant(0),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("checksum" as const),
      size: fc.integer({ min: 60, max: 1514 }),
      mss: fc.constant(0),
      udp: fc.boolean(),
      which: fc.nat({ max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("lso" as const),
      size: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 30_000 })),
      mss: fc.integer({ min: 256, max: 1460 }),
      udp: fc.constant(false),
      which: fc.constant(0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("invalid" as const),
      size: fc.integer({ min: 60, max: 600 }),
      mss: fc.integer({ min: 256, max: 1460 }),
      udp: fc.constant(true),
      which: fc.constant(0),
    }),
  },
);

const HASH_TYPES = [
  0,
  RSS_HASH.IPV4,
  RSS_HASH.TCP_IPV4,
  RSS_HASH.UDP_IPV4,
  RSS_HASH.TCP_IPV4 | RSS_HASH.UDP_IPV4,
  RSS_HASH.IPV4 | RSS_HASH.TCP_IPV4 | RSS_HASH.UDP_IPV4,
];

const rssSpec: fc.Arbitrary<RssRequest> = fc.record({
  hashTypes: fc.option(fc.constantFrom(...HASH_TYPES), { nil: undefined, freq: 4 }),
  key: fc.option(
    fc.oneof(
      { weight: 6, arbitrary: fc.array(fc.nat({ max: 255 }), { minLength: 40, maxLength: 40 }) },
      { weight: 1, arbitrary: fc.array(fc.nat({ max: 255 }), { minLength: 39, maxLength: 39 }) },
    ),
    { nil: undefined, freq: 2 },
  ),
  indirection: fc.option(
    fc
      .oneof(
        { weight: 8, arbitrary: fc.constantFrom(1, 2, 4, 8, 128) },
        { weight: 1, arbitrary: fc.constant(3) },
      )
      .chain((n) => fc.array(fc.nat({ max: 3 }), { minLength: n, maxLength: n })),
    { nil: undefined, freq: 4 },
  ),
  base: fc.option(fc.nat({ max: 3 }), { nil: undefined, freq: 3 }),
});

/** The commands, each arbitrary listed as often as its weight. */
export function driverCommands(): fc.Arbitrary<Cmd>[] {
  const inject = burst(40).map((frames) => new Inject(frames));
  const flood = fc
    .tuple(
      fc.array(
        rxFrame.map((f) => ({ ...f, length: 1514, breakage: "none" as const })),
        { minLength: 1, maxLength: 4 },
      ),
      fc.integer({ min: 40, max: 200 }),
    )
    .map(([frames, copies]) => new Flood(frames, copies));
  const send = fc
    .tuple(queueChoice, fc.array(txSend, { minLength: 1, maxLength: 12 }))
    .map(([q, s]) => new Send(q, s));
  const advance = fc
    .oneof(
      fc.integer({ min: 1, max: 50 }).map((us) => us * TICKS_PER_US),
      fc.integer({ min: 50, max: 2000 }).map((us) => us * TICKS_PER_US),
    )
    .map((t) => new Advance(t));
  const allocate = fc
    .tuple(macChoice, vlanChoice, processor, fc.nat({ max: 19 }))
    .map(([mac, vlan, p, roll]) => new Allocate(mac, vlan, p, roll === 0));
  const free = fc
    .tuple(queueChoice, fc.nat({ max: 4 }), fc.array(rxFrame, { maxLength: 24 }), delayUs)
    .map(([q, roll, frames, delay]) => new Free(q, roll === 0, frames, delay));
  const setFilter = fc
    .tuple(queueChoice, macChoice, vlanChoice)
    .map(([q, mac, vlan]) => new SetFilter(q, mac, vlan));
  const retarget = fc
    .tuple(queueChoice, processor, burst(24), delayUs)
    .map(([q, p, frames, delay]) => new Retarget(q, p, frames, delay));
  const moderation = fc
    .tuple(fc.nat({ max: 15 }), fc.boolean(), fc.constantFrom(0, 2, 10, 33.3, 100, 500, 1046, 2000))
    .map(([t, v, us]) => new SetModeration(t, v, us));
  const rss = rssSpec.map((r) => new SetRss(r));
  const reset = fc.constant(new Reset());
  const overlapKind = fc.constantFrom<OverlapKind>(
    "move-move-same",
    "move-move-other",
    "move-free",
    "free-move",
    "move-reset",
    "free-reset",
    "move-rss",
  );
  const overlap = fc
    .tuple(
      overlapKind,
      queueChoice,
      queueChoice,
      fc.nat({ max: 3 }),
      fc.array(rxFrame, { maxLength: 24 }),
      delayUs,
    )
    .map(([kind, q, o, pick, frames, delay]) => new Overlap(kind, q, o, pick, frames, delay));
  return [
    inject,
    inject,
    inject,
    flood,
    send,
    send,
    send,
    advance,
    advance,
    advance,
    allocate,
    allocate,
    free,
    setFilter,
    retarget,
    retarget,
    retarget,
    moderation,
    rss,
    overlap,
    overlap,
    reset,
  ];
}

/** The knobs of one run. */
export const worldConfig: fc.Arbitrary<WorldConfig> = fc
  .record({
    queues: fc.constantFrom(4, 8),
    vectors: fc.constantFrom(4, 8, 8),
    processors: fc.integer({ min: 2, max: 4 }),
    rssQueues: fc.integer({ min: 1, max: 3 }),
    rssBaseProcessor: fc.nat({ max: 3 }),
    rxRingSize: fc.constantFrom(8, 16, 32, 64, 256),
    rxBufferBytes: fc.constantFrom(1024, 2048, 2048),
    txRingSize: fc.constantFrom(16, 64, 256),
    rxBudget: fc.constantFrom(4, 16, 64),
    moderationUs: fc.constantFrom(0, 10, 50),
    txArenaBytes: fc.constantFrom(64 * 1024, 1024 * 1024),
  })
  .map((c) => ({
    ...c,
    rssQueues: Math.min(c.rssQueues, c.processors),
    rssBaseProcessor: c.rssBaseProcessor % c.processors,
  }));
