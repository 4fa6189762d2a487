import type { ClockDomain } from "../../kernel/clock-domain.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import { TICKS_PER_NS } from "../../kernel/ticks.js";
import type { Timer } from "../../kernel/timer.js";
import { EITR_UNIT_NS } from "../regs/map/interrupts.js";
import type { RegisterFile } from "../regs/register-file.js";

/** An MSI-X message as the host receives it. */
export type MsixListener = (vector: number, address: number, data: number, atTicks: Ticks) => void;

/** Called just before vector `vector` sends a message, so engines can flush write-backs. */
export type BeforeMessageListener = (vector: number) => void;

/**
 * The interrupt block: cause (EICR), enable mask (EIMS/EIMC), software-raised causes
 * (EICS), auto-clear (EIAC) and auto-mask (EIAM), per-vector moderation (EITR), the
 * MSI-X table's per-vector mask with its pending bits, and delivery.
 *
 * Moderation follows the 82599 family's EITR: after a vector sends a message it is
 * throttled for its interval; a cause arriving meanwhile waits and its message goes out
 * when the interval ends; a cause arriving after that goes out on the next core clock
 * edge. Writing EITR without CNT_WDIS ends the running interval; with CNT_WDIS it keeps
 * running and the new interval applies from the next message.
 */
export class InterruptUnit {
  private readonly scheduler: Scheduler;
  private readonly clock: ClockDomain;
  private readonly regs: RegisterFile;
  private readonly vectors: number;
  private readonly timers: Timer[];
  /** Per vector: sends the message held in MSIXPBA after the entry is unmasked. */
  private readonly pbaTimers: Timer[];
  private readonly throttleUntil: Float64Array;
  private readonly intervalTicks: Float64Array;
  private readonly eicrWord: number;
  private readonly eimsWord: number;
  private readonly eiacWord: number;
  private readonly eiamWord: number;
  private readonly pbaWord: number;
  private readonly vctrlWord0: number;
  private readonly msixStrideWords: number;
  private readonly msixAddrLowWord0: number;
  private readonly msixAddrHighWord0: number;
  private readonly msixDataWord0: number;
  private readonly vicntWord0: number;
  private readonly vectorMaskBit: number;
  private readonly eitrWdis: number;
  private listener: MsixListener | null = null;
  private readonly taps: MsixListener[] = [];
  private readonly beforeMessage: BeforeMessageListener[] = [];
  /** Messages delivered to the host since construction. */
  messagesSent = 0;

  constructor(scheduler: Scheduler, clock: ClockDomain, regs: RegisterFile, vectors: number) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.regs = regs;
    this.vectors = vectors;
    this.throttleUntil = new Float64Array(vectors);
    this.intervalTicks = new Float64Array(vectors);
    this.timers = Array.from({ length: vectors }, (_, v) =>
      scheduler.timer(`irq.vector${v}`, () => this.fire(v)),
    );
    this.pbaTimers = Array.from({ length: vectors }, (_, v) =>
      scheduler.timer(`irq.pba${v}`, () => this.sendPending(v)),
    );
    this.eicrWord = regs.wordOf("EICR");
    this.eimsWord = regs.wordOf("EIMS");
    this.eiacWord = regs.wordOf("EIAC");
    this.eiamWord = regs.wordOf("EIAM");
    this.pbaWord = regs.wordOf("MSIXPBA");
    this.vctrlWord0 = regs.wordOf("MSIXVCTRL");
    this.msixAddrLowWord0 = regs.wordOf("MSIXAL");
    this.msixAddrHighWord0 = regs.wordOf("MSIXAH");
    this.msixDataWord0 = regs.wordOf("MSIXDATA");
    this.msixStrideWords = (regs.map.byName("MSIXVCTRL")?.stride ?? 16) >>> 2;
    this.vicntWord0 = regs.wordOf("VICNT");
    this.vectorMaskBit = regs.map.fieldMask("MSIXVCTRL", "MASK");
    this.eitrWdis = regs.map.fieldMask("EITR", "CNT_WDIS");
    this.installHooks();
  }

  /** Sets where MSI-X messages go (the host's interrupt controller). */
  /** Adds an observer of every message sent (traces); it sees messages before the host. */
  tap(listener: MsixListener): void {
    this.taps.push(listener);
  }

  setListener(listener: MsixListener | null): void {
    this.listener = listener;
  }

  /** Registers an engine to flush its pending work just before a vector's message. */
  onBeforeMessage(listener: BeforeMessageListener): void {
    this.beforeMessage.push(listener);
  }

  /** Hardware: a source mapped to `vector` had an event. */
  raise(vector: number): void {
    if (vector >= this.vectors) return;
    const word = this.eicrWord + (vector >>> 5);
    this.regs.hwSetBits(word, 1 << (vector & 31));
    this.arm(vector);
  }

  /** Forgets timing state and pending timers (device reset). */
  reset(): void {
    for (const timer of this.timers) timer.cancel();
    for (const timer of this.pbaTimers) timer.cancel();
    this.throttleUntil.fill(0);
    this.intervalTicks.fill(0);
  }

  private installHooks(): void {
    const regs = this.regs;
    regs.onWrite("EICR", (n) => this.trimInvalid(this.eicrWord, n));
    // Fix: EICS and EIMS re-evaluate only the vectors whose bits were written as 1 (writing
    // 0 "leaves the vector alone"). Arming the whole word re-sent the message of any other
    // vector of the word whose cause was still set after its message (no EIAC): writing
    // EIMS or EICS for vector 3 sent vector 5 a spurious interrupt.
    regs.onWrite("EICS", (n, written) => {
      this.regs.hwSetBits(this.eicrWord + n, written & this.validMask(n));
      this.armWord(n, written);
    });
    regs.onWrite("EIMS", (n, written) => {
      this.trimInvalid(this.eimsWord, n);
      this.armWord(n, written);
    });
    regs.onWrite("EIMC", (n, written) => this.regs.hwClearBits(this.eimsWord + n, written));
    regs.onWrite("EIAC", (n) => this.trimInvalid(this.eiacWord, n));
    regs.onWrite("EIAM", (n) => this.trimInvalid(this.eiamWord, n));
    regs.onWrite("EITR", (v, written) => this.eitrWritten(v, written));
    regs.onWrite("MSIXVCTRL", (v) => this.vectorControlWritten(v));
  }

  private validMask(word: number): number {
    const bits = Math.min(32, this.vectors - 32 * word);
    return bits >= 32 ? 0xffff_ffff : (1 << bits) - 1;
  }

  /** Clears the bits of word `n` of a per-vector array that name vectors the device lacks. */
  private trimInvalid(baseWord: number, n: number): void {
    this.regs.hwClearBits(baseWord + n, ~this.validMask(n) >>> 0);
  }

  /** Arms the vectors of word `n` whose bit is set in `bits`. */
  private armWord(n: number, bits: number): void {
    const first = n * 32;
    const last = Math.min(this.vectors, first + 32);
    for (let v = first; v < last; v++) if ((bits & (1 << (v & 31))) !== 0) this.arm(v);
  }

  /** Schedules vector `v`'s message if it has an enabled pending cause. */
  private arm(v: number): void {
    if (!this.pendingAndEnabled(v)) return;
    const now = this.scheduler.nowTicks;
    const at = this.clock.edgeAtOrAfter(Math.max(now, this.throttleUntil[v]!));
    const timer = this.timers[v]!;
    if (!timer.pending || timer.atTicks > at) timer.scheduleAt(at);
  }

  private pendingAndEnabled(v: number): boolean {
    const bit = 1 << (v & 31);
    const w = v >>> 5;
    return (this.regs.words[this.eicrWord + w]! & this.regs.words[this.eimsWord + w]! & bit) !== 0;
  }

  private fire(v: number): void {
    if (!this.pendingAndEnabled(v)) return;
    for (const listener of this.beforeMessage) listener(v);
    const w = v >>> 5;
    const bit = 1 << (v & 31);
    const regs = this.regs;
    if ((regs.words[this.eiacWord + w]! & bit) !== 0) regs.hwClearBits(this.eicrWord + w, bit);
    if ((regs.words[this.eiamWord + w]! & bit) !== 0) regs.hwClearBits(this.eimsWord + w, bit);
    this.throttleUntil[v] = this.scheduler.nowTicks + this.intervalTicks[v]!;
    if (this.isMasked(v)) regs.hwSetBits(this.pbaWord + w, bit);
    else this.deliver(v);
  }

  private deliver(v: number): void {
    const regs = this.regs;
    const entry = v * this.msixStrideWords;
    const high = regs.words[this.msixAddrHighWord0 + entry]!;
    const address = high * 0x1_0000_0000 + regs.words[this.msixAddrLowWord0 + entry]!;
    const data = regs.words[this.msixDataWord0 + entry]!;
    regs.hwCount(this.vicntWord0 + v, 1);
    this.messagesSent++;
    const now = this.scheduler.nowTicks;
    for (let i = 0; i < this.taps.length; i++) this.taps[i]!(v, address, data, now);
    if (this.listener !== null) this.listener(v, address, data, now);
  }

  private eitrWritten(v: number, written: number): void {
    const units = this.regs.map.fieldValue("EITR", "INTERVAL", written);
    this.intervalTicks[v] = units * EITR_UNIT_NS * TICKS_PER_NS;
    if ((written & this.eitrWdis) === 0) {
      this.throttleUntil[v] = this.scheduler.nowTicks;
      this.arm(v);
    }
  }

  private vectorControlWritten(v: number): void {
    if (this.isMasked(v) || !this.isPending(v)) return;
    // The held message goes out on the next core clock edge.
    // Fix: the pending bit now stays set until the message is actually sent, and the entry
    // is checked again then. Clearing MSIXPBA here and delivering unconditionally at the
    // edge sent the message while masked when software masked the entry again within the
    // cycle (e.g. two back-to-back writes), with PBA already reading 0; the one-shot timer
    // also outlived a device reset.
    const at = this.clock.edgeAtOrAfter(this.scheduler.nowTicks);
    const timer = this.pbaTimers[v]!;
    if (!timer.pending || timer.atTicks > at) timer.scheduleAt(at);
  }

  /** Sends the message held in MSIXPBA if the entry is still unmasked. */
  private sendPending(v: number): void {
    if (this.isMasked(v) || !this.isPending(v)) return;
    this.regs.hwClearBits(this.pbaWord + (v >>> 5), 1 << (v & 31));
    this.deliver(v);
  }

  private isMasked(v: number): boolean {
    return (
      (this.regs.words[this.vctrlWord0 + v * this.msixStrideWords]! & this.vectorMaskBit) !== 0
    );
  }

  private isPending(v: number): boolean {
    return (this.regs.words[this.pbaWord + (v >>> 5)]! & (1 << (v & 31))) !== 0;
  }
}
