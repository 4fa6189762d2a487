import fc from "fast-check";
import { TICKS_PER_NS, TICKS_PER_US } from "../../src/kernel/ticks.js";
import { ModelCommand } from "../support/model-test.js";
import type { NicHarness } from "./nic-harness.js";
import { type RxFrameSpec, rxFrameSpec } from "./nic-model-frames.js";
import type { RxRingParams } from "./nic-model-rx.js";
import { type TxFrameSpec, txFrameSpec } from "./nic-model-tx.js";
import type { NicWorld } from "./nic-model-world.js";

/**
 * The commands of the NIC model test: each one thing a driver (or the peer, or time)
 * does, with a precondition on what the driver knows. Every run counts itself and ends
 * with the world's invariant checks (ModelCommand, test/support/model-test.ts).
 */

type Cmd = fc.Command<NicWorld, NicWorld>;

class ProgramRx extends ModelCommand<NicWorld> {
  readonly name = "programRx";
  constructor(
    readonly q: number,
    readonly p: RxRingParams,
  ) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.rx.canProgram(this.q);
  }
  act(w: NicWorld): void {
    w.rx.program(w.h, this.q, this.p);
  }
  toString(): string {
    const p = this.p;
    const drop = p.dropEnable ? " drop" : "";
    return `programRx(q${this.q}, ${p.descriptors}x${p.bufferKib}K${drop} w${p.wthresh} p${p.pthresh})`;
  }
}

class DisableRx extends ModelCommand<NicWorld> {
  readonly name = "disableRx";
  constructor(readonly q: number) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.rx.canDisable(this.q);
  }
  act(w: NicWorld): void {
    w.rx.disable(w.h, this.q);
  }
  toString(): string {
    return `disableRx(q${this.q})`;
  }
}

class PostRx extends ModelCommand<NicWorld> {
  readonly name = "postRx";
  constructor(
    readonly q: number,
    readonly count: number,
  ) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.rx.q(this.q).status === "on";
  }
  act(w: NicWorld): void {
    w.rx.post(w.h, this.q, this.count);
  }
  toString(): string {
    return `postRx(q${this.q}, ${this.count})`;
  }
}

/** Where a poisoned descriptor points: below 4 GiB (never mapped) or a freed allocation. */
type PoisonKind = "low" | "freed";

function poisonAddress(h: NicHarness, kind: PoisonKind, page: number): number {
  if (kind === "low") return (page + 1) * 4096;
  const address = h.memory.alloc(4096);
  h.memory.free(address);
  return address;
}

class PoisonRx extends ModelCommand<NicWorld> {
  readonly name = "poisonRx";
  constructor(
    readonly q: number,
    readonly count: number,
    readonly at: number,
    readonly kind: PoisonKind,
    readonly page: number,
  ) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.rx.q(this.q).status === "on" && w.rx.freeSlots(this.q) > 0;
  }
  act(w: NicWorld): void {
    const address = poisonAddress(w.h, this.kind, this.page);
    w.rx.post(w.h, this.q, this.count, { at: this.at, address });
  }
  toString(): string {
    return `poisonRx(q${this.q}, ${this.count} with #${this.at} -> ${this.kind})`;
  }
}

class PollRx extends ModelCommand<NicWorld> {
  readonly name = "pollRx";
  constructor(
    readonly q: number,
    readonly repost: boolean,
  ) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.rx.q(this.q).ring !== null;
  }
  act(w: NicWorld): void {
    w.rx.poll(w.h, this.q, this.repost);
  }
  toString(): string {
    return `pollRx(q${this.q}${this.repost ? ", repost" : ""})`;
  }
}

class Inject extends ModelCommand<NicWorld> {
  readonly name = "inject";
  constructor(readonly frames: readonly RxFrameSpec[]) {
    super();
  }
  act(w: NicWorld): void {
    for (const f of this.frames) w.inject(f);
  }
  toString(): string {
    const list = this.frames.map(
      (f) => `${f.length}B->q${f.queue}${f.alias ? `+${f.alias}` : ""}${f.badFcs ? " badFcs" : ""}`,
    );
    return `inject(${list.join(", ")})`;
  }
}

class ProgramTx extends ModelCommand<NicWorld> {
  readonly name = "programTx";
  constructor(
    readonly q: number,
    readonly size: number,
  ) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.tx.canProgram(this.q);
  }
  act(w: NicWorld): void {
    w.tx.program(w.h, this.q, this.size);
  }
  toString(): string {
    return `programTx(q${this.q}, ${this.size})`;
  }
}

class PostTx extends ModelCommand<NicWorld> {
  readonly name = "postTx";
  constructor(
    readonly q: number,
    readonly frames: readonly TxFrameSpec[],
    readonly splitTail: boolean,
  ) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.tx.q(this.q).status === "on";
  }
  act(w: NicWorld): void {
    w.tx.post(w.h, this.q, this.frames, this.splitTail);
  }
  toString(): string {
    const list = this.frames.map(
      (f) => `${f.length}B/${f.descs}${f.bad === "none" ? "" : ` ${f.bad}`}`,
    );
    return `postTx(q${this.q}, [${list.join(", ")}]${this.splitTail ? ", split tail" : ""})`;
  }
}

class PoisonTx extends ModelCommand<NicWorld> {
  readonly name = "poisonTx";
  constructor(
    readonly q: number,
    readonly frames: readonly TxFrameSpec[],
    readonly descs: number,
    readonly kind: PoisonKind,
    readonly page: number,
  ) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.tx.q(this.q).status === "on";
  }
  act(w: NicWorld): void {
    const address = poisonAddress(w.h, this.kind, this.page);
    w.tx.post(w.h, this.q, this.frames, false);
    if (w.tx.freeSlots(this.q) === 0) return;
    const descs = Math.min(this.descs, w.tx.freeSlots(this.q));
    w.tx.post(w.h, this.q, [{ length: 100, descs, bad: "none" }], false, address);
  }
  toString(): string {
    return `poisonTx(q${this.q}, ${this.frames.length} frames, then ${this.descs} descs -> ${this.kind})`;
  }
}

class ReapTx extends ModelCommand<NicWorld> {
  readonly name = "reapTx";
  constructor(readonly q: number) {
    super();
  }
  override check(w: NicWorld): boolean {
    return w.tx.q(this.q).ring !== null;
  }
  act(w: NicWorld): void {
    w.tx.reap(w.h, this.q);
  }
  toString(): string {
    return `reapTx(q${this.q})`;
  }
}

class AckIrq extends ModelCommand<NicWorld> {
  readonly name = "ackIrq";
  constructor(
    readonly mask: number,
    readonly clearOcr: boolean,
  ) {
    super();
  }
  act(w: NicWorld): void {
    w.irq.acknowledge(w.h, 0, this.mask);
    if (this.clearOcr) w.clearOcr();
  }
  toString(): string {
    return `ackIrq(EICR ${this.mask.toString(2)}${this.clearOcr ? ", OCR" : ""})`;
  }
}

class MaskIrq extends ModelCommand<NicWorld> {
  readonly name = "maskIrq";
  constructor(
    readonly enable: boolean,
    readonly mask: number,
  ) {
    super();
  }
  act(w: NicWorld): void {
    w.irq.setEnabled(w.h, 0, this.mask, this.enable);
  }
  toString(): string {
    return `${this.enable ? "EIMS" : "EIMC"}(${this.mask.toString(2)})`;
  }
}

class Ivar extends ModelCommand<NicWorld> {
  readonly name = "ivar";
  constructor(
    readonly q: number,
    readonly rxValid: boolean,
    readonly rxVector: number,
    readonly txValid: boolean,
    readonly txVector: number,
  ) {
    super();
  }
  act(w: NicWorld): void {
    w.mapQueue(this.q, this.rxValid, this.rxVector, this.txValid, this.txVector);
  }
  toString(): string {
    const rx = this.rxValid ? `rx->v${this.rxVector}` : "rx off";
    const tx = this.txValid ? `tx->v${this.txVector}` : "tx off";
    return `ivar(q${this.q}, ${rx}, ${tx})`;
  }
}

class Eitr extends ModelCommand<NicWorld> {
  readonly name = "eitr";
  constructor(
    readonly v: number,
    readonly units: number,
    readonly keepRunning: boolean,
  ) {
    super();
  }
  act(w: NicWorld): void {
    w.irq.setModeration(w.h, this.v, this.units, this.keepRunning);
  }
  toString(): string {
    return `eitr(v${this.v}, ${this.units}${this.keepRunning ? ", CNT_WDIS" : ""})`;
  }
}

class Advance extends ModelCommand<NicWorld> {
  readonly name = "advance";
  constructor(readonly ticks: number) {
    super();
  }
  act(w: NicWorld): void {
    w.advance(this.ticks);
  }
  toString(): string {
    return `advance(${this.ticks / TICKS_PER_NS} ns)`;
  }
}

type BadAccessKind = "unmapped-read" | "unmapped-write" | "unaligned-read" | "unaligned-write";

/** Offsets no register occupies (a gap, queues and vectors the device lacks, past the BAR). */
const UNMAPPED = [0x4, 0xc, 0x28, 0x1000 + 4 * 0x40, 0x6000 + 100 * 0x40, 0xc00 + 4 * 4, 0x1fffc];

class BadMmio extends ModelCommand<NicWorld> {
  readonly name = "badMmio";
  constructor(
    readonly kind: BadAccessKind,
    readonly pick: number,
    readonly value: number,
  ) {
    super();
  }
  act(w: NicWorld): void {
    const h = w.h;
    const unaligned = this.kind.startsWith("unaligned");
    const targets = ["RDT", "TDT", "EIMS", "SCRATCH", "RXDCTL"];
    const offset = unaligned
      ? h.at(targets[this.pick % targets.length]!, 0) + 1 + (this.pick % 3)
      : UNMAPPED[this.pick % UNMAPPED.length]!;
    const before = h.nic.regs.words.slice();
    if (this.kind.endsWith("read")) {
      const got = h.nic.mmio.read32(offset);
      if (got !== 0) throw new Error(`bad read at ${offset} returned ${got}`);
    } else h.nic.mmio.write32(offset, this.value);
    w.badAccesses++;
    expectOnly(h, before, ["ACCERR", "BADACC"]);
    const field = unaligned ? "UNALIGNED" : "UNMAPPED";
    expectAccessError(w, field);
  }
  toString(): string {
    return `badMmio(${this.kind} #${this.pick})`;
  }
}

/** A tail write past the end of an enabled ring: ignored and recorded as RO_WRITE. */
class TailBeyond extends ModelCommand<NicWorld> {
  readonly name = "tailBeyond";
  constructor(
    readonly tx: boolean,
    readonly q: number,
    readonly excess: number,
  ) {
    super();
  }
  override check(w: NicWorld): boolean {
    return this.tx
      ? w.tx.q(this.q).status === "on" || w.tx.q(this.q).status === "poisoned"
      : w.rx.q(this.q).status === "on";
  }
  act(w: NicWorld): void {
    const h = w.h;
    const size = this.tx ? w.tx.q(this.q).ring!.size : w.rx.q(this.q).ring!.descriptors;
    const reg = this.tx ? "TDT" : "RDT";
    const before = h.nic.regs.words.slice();
    h.write(reg, size + this.excess, this.q);
    w.badAccesses++;
    expectOnly(h, before, ["ACCERR", "BADACC"]);
    expectAccessError(w, "RO_WRITE");
  }
  toString(): string {
    return `tailBeyond(${this.tx ? "tx" : "rx"}${this.q}, size+${this.excess})`;
  }
}

/** Every register word as it was, except those of `changed`. */
function expectOnly(h: NicHarness, before: Uint32Array, changed: string[]): void {
  const allowed = new Set(changed.map((name) => h.at(name) >>> 2));
  const after = h.nic.regs.words;
  for (let i = 0; i < after.length; i++) {
    if (after[i] !== before[i] && !allowed.has(i)) {
      throw new Error(`a bad access changed the word at ${(i * 4).toString(16)}`);
    }
  }
}

/** ACCERR shows exactly `field`; the driver clears it (write 1) and it reads 0 again. */
function expectAccessError(w: NicWorld, field: string): void {
  const h = w.h;
  const accerr = h.read("ACCERR");
  if (accerr !== h.mask("ACCERR", field)) {
    throw new Error(`ACCERR ${accerr.toString(16)} after a ${field} access`);
  }
  h.write("ACCERR", accerr);
  if (h.read("ACCERR") !== 0) throw new Error("ACCERR did not clear");
}

const queue = (queues: number) => fc.integer({ min: 0, max: queues - 1 });

export const rxRingParams: fc.Arbitrary<RxRingParams> = fc.record({
  descriptors: fc.integer({ min: 1, max: 8 }).map((n) => n * 8),
  bufferKib: fc.integer({ min: 1, max: 4 }),
  dropEnable: fc.boolean(),
  wthresh: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constantFrom(1, 4, 16) },
  ),
  pthresh: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
});

export const txRingSize = fc.integer({ min: 1, max: 8 }).map((n) => n * 8);

const ticks = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 10, max: 1000 }).map((ns) => ns * TICKS_PER_NS) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 10 }).map((us) => us * TICKS_PER_US) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 50 }).map((us) => us * TICKS_PER_US) },
);

/** The command arbitraries, repeated to weight the common ones. */
export function nicCommands(queues: number, vectors: number): fc.Arbitrary<Cmd>[] {
  const q = queue(queues);
  const v = fc.integer({ min: 0, max: vectors - 1 });
  // Now and then with bits for vectors the device lacks (they must read 0 and do nothing).
  const vectorMask = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 2 ** vectors - 1 }) },
    { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) },
  );
  const anyVector = fc.oneof(
    { weight: 6, arbitrary: v },
    { weight: 1, arbitrary: fc.integer({ min: vectors, max: 63 }) },
  );
  const inject = fc
    .oneof(
      { weight: 3, arbitrary: fc.array(rxFrameSpec(queues), { minLength: 1, maxLength: 8 }) },
      { weight: 1, arbitrary: fc.array(rxFrameSpec(queues), { minLength: 8, maxLength: 40 }) },
    )
    .map((f): Cmd => new Inject(f));
  const advance = ticks.map((t): Cmd => new Advance(t));
  const postRx = fc
    .tuple(q, fc.integer({ min: 1, max: 64 }))
    .map(([qq, n]): Cmd => new PostRx(qq, n));
  const pollRx = fc
    .tuple(q, fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)))
    .map(([qq, r]): Cmd => new PollRx(qq, r));
  const postTx = fc
    .tuple(q, fc.array(txFrameSpec, { minLength: 1, maxLength: 6 }), fc.boolean())
    .map(([qq, f, s]): Cmd => new PostTx(qq, f, s));
  const poisonKind = fc.constantFrom<PoisonKind>("low", "freed");
  return [
    inject,
    inject,
    inject,
    advance,
    advance,
    advance,
    postRx,
    postRx,
    pollRx,
    pollRx,
    postTx,
    postTx,
    fc.tuple(q, rxRingParams).map(([qq, p]): Cmd => new ProgramRx(qq, p)),
    fc.tuple(q, rxRingParams).map(([qq, p]): Cmd => new ProgramRx(qq, p)),
    q.map((qq): Cmd => new DisableRx(qq)),
    fc.tuple(q, txRingSize).map(([qq, s]): Cmd => new ProgramTx(qq, s)),
    q.map((qq): Cmd => new ReapTx(qq)),
    fc.tuple(vectorMask, fc.boolean()).map(([m, o]): Cmd => new AckIrq(m, o)),
    fc.tuple(fc.boolean(), vectorMask).map(([e, m]): Cmd => new MaskIrq(e, m)),
    fc
      .tuple(q, fc.boolean(), anyVector, fc.boolean(), anyVector)
      .map(([qq, rv, rvec, tv, tvec]): Cmd => new Ivar(qq, rv, rvec, tv, tvec)),
    fc
      .tuple(v, fc.integer({ min: 0, max: 30 }), fc.boolean())
      .map(([vv, u, k]): Cmd => new Eitr(vv, u, k)),
    fc
      .tuple(
        fc.constantFrom<BadAccessKind>(
          "unmapped-read",
          "unmapped-write",
          "unaligned-read",
          "unaligned-write",
        ),
        fc.nat(100),
        fc.nat(),
      )
      .map(([k, p, val]): Cmd => new BadMmio(k, p, val)),
    fc
      .tuple(fc.boolean(), q, fc.integer({ min: 0, max: 200 }))
      .map(([t, qq, e]): Cmd => new TailBeyond(t, qq, e)),
    fc
      .tuple(q, fc.integer({ min: 1, max: 16 }), fc.nat(15), poisonKind, fc.nat(1000))
      .map(([qq, n, at, k, p]): Cmd => new PoisonRx(qq, n, at, k, p)),
    fc
      .tuple(
        q,
        fc.array(txFrameSpec, { maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        poisonKind,
        fc.nat(1000),
      )
      .map(([qq, f, d, k, p]): Cmd => new PoisonTx(qq, f, d, k, p)),
  ];
}

/** Every command name, for the reachability check. */
export const COMMAND_NAMES = [
  "inject",
  "advance",
  "postRx",
  "pollRx",
  "postTx",
  "programRx",
  "disableRx",
  "programTx",
  "reapTx",
  "ackIrq",
  "maskIrq",
  "ivar",
  "eitr",
  "badMmio",
  "tailBeyond",
  "poisonRx",
  "poisonTx",
] as const;
