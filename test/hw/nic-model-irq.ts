import { TICKS_PER_NS } from "../../src/kernel/ticks.js";
import { outcome } from "../support/model-test.js";
import type { NicHarness } from "./nic-harness.js";

/** EITR.INTERVAL's unit, per the reference. */
export const EITR_UNIT_TICKS = 2048 * TICKS_PER_NS;
/** Slack for "the next core clock edge" (the core clock is 250 MHz: 4 ns a cycle). */
const EDGE_SLACK_TICKS = 8 * TICKS_PER_NS;

/**
 * The driver's side of interrupts: what it wrote to EIMS/EIMC/EICR/EITR, every MSI-X
 * message it received, and the checks the reference allows on them:
 *
 * - a message only for a vector the device has, while the vector is enabled in EIMS,
 *   never before its moderation interval since its previous message has ended;
 * - VICNT counts exactly the messages received, and nothing is left pending in MSIXPBA
 *   (every vector is unmasked);
 * - liveness: a vector pending and enabled (EICR & EIMS) that has sent no message since
 *   the driver last acknowledged or enabled it sends one once moderation allows.
 */
export class IrqTracker {
  readonly vectors: number;
  readonly messages: number[];
  /** The end of each vector's moderation window, as the driver works it out. */
  private readonly throttleEnd: number[];
  private readonly intervalTicks: number[];
  private readonly lastAt: number[];
  /** Messages received when the driver last acknowledged or enabled the vector. */
  private readonly baseline: number[];
  /** When the vector was first seen pending and enabled since then, or null. */
  private readonly pendingSince: (number | null)[];

  constructor(h: NicHarness) {
    const v = h.nic.params.vectors;
    this.vectors = v;
    this.messages = new Array(v).fill(0);
    this.throttleEnd = new Array(v).fill(0);
    this.intervalTicks = new Array(v).fill(0);
    this.lastAt = new Array(v).fill(Number.NEGATIVE_INFINITY);
    this.baseline = new Array(v).fill(0);
    this.pendingSince = new Array(v).fill(null);
    h.nic.setMsixListener((vector, _address, _data, at) => this.onMessage(h, vector, at));
    for (let i = 0; i < v; i++) {
      h.write("MSIXAL", 0xfee0_0000 + i * 4, i);
      h.write("MSIXDATA", 0x40 + i, i);
      h.write("MSIXVCTRL", 0, i);
    }
  }

  private onMessage(h: NicHarness, v: number, at: number): void {
    if (v >= this.vectors) throw new Error(`MSI-X message for vector ${v} of ${this.vectors}`);
    if ((h.peek("EIMS", v >>> 5) & (1 << (v & 31))) === 0) {
      throw new Error(`vector ${v} sent a message while disabled in EIMS`);
    }
    if (at < this.throttleEnd[v]!) {
      throw new Error(`vector ${v} sent at ${at}, moderated until ${this.throttleEnd[v]}`);
    }
    this.messages[v]!++;
    outcome(
      at - this.lastAt[v]! < this.intervalTicks[v]! + 8000 && this.intervalTicks[v]! > 0
        ? "irq message at the end of its moderation"
        : "irq message",
    );
    this.lastAt[v] = at;
    this.throttleEnd[v] = at + this.intervalTicks[v]!;
  }

  /** Bits of word w that name vectors the device has. */
  validMask(w: number): number {
    const bits = Math.min(32, this.vectors - 32 * w);
    return bits <= 0 ? 0 : bits >= 32 ? 0xffff_ffff : 2 ** bits - 1;
  }

  private words(): number {
    return Math.ceil(this.vectors / 32);
  }

  private forEachBit(w: number, mask: number, f: (v: number) => void): void {
    for (let b = 0; b < 32; b++) {
      const v = w * 32 + b;
      if (v < this.vectors && ((mask >>> b) & 1) === 1) f(v);
    }
  }

  /** Writes EICR (acknowledges the vectors in `mask`). */
  acknowledge(h: NicHarness, w: number, mask: number): void {
    h.write("EICR", mask, w);
    this.forEachBit(w, mask, (v) => {
      this.baseline[v] = this.messages[v]!;
      this.pendingSince[v] = null;
    });
  }

  /** Writes EIMS (enables) or EIMC (disables) the vectors in `mask`. */
  setEnabled(h: NicHarness, w: number, mask: number, enable: boolean): void {
    const before = h.peek("EIMS", w);
    h.write(enable ? "EIMS" : "EIMC", mask, w);
    this.forEachBit(w, mask, (v) => {
      const was = ((before >>> (v & 31)) & 1) === 1;
      if (enable && was) return;
      this.baseline[v] = this.messages[v]!;
      this.pendingSince[v] = null;
    });
  }

  /** Writes EITR: a new interval, and with `keepRunning` (CNT_WDIS) the window continues. */
  setModeration(h: NicHarness, v: number, units: number, keepRunning: boolean): void {
    h.write("EITR", (keepRunning ? h.mask("EITR", "CNT_WDIS") : 0) | (units << 3), v);
    this.intervalTicks[v] = units * EITR_UNIT_TICKS;
    if (!keepRunning) this.throttleEnd[v] = h.now;
  }

  check(h: NicHarness): void {
    for (let w = 0; w < this.words(); w++) {
      const valid = this.validMask(w);
      for (const reg of ["EICR", "EIMS", "EIAC", "EIAM", "MSIXPBA"]) {
        const value = h.peek(reg, w);
        if ((value & ~valid) !== 0) throw new Error(`${reg}[${w}] has bits for no vector`);
        if (reg === "MSIXPBA" && value !== 0) throw new Error("a message pending while unmasked");
      }
    }
    for (let v = 0; v < this.vectors; v++) {
      const vicnt = h.peek("VICNT", v);
      if (vicnt !== this.messages[v]) {
        throw new Error(`VICNT[${v}] ${vicnt}, ${this.messages[v]} messages received`);
      }
      const bit = 1 << (v & 31);
      const pending = (h.peek("EICR", v >>> 5) & h.peek("EIMS", v >>> 5) & bit) !== 0;
      if (!pending) {
        this.pendingSince[v] = null;
        continue;
      }
      const since = this.pendingSince[v] ?? h.now;
      this.pendingSince[v] = since;
      const due = Math.max(since, this.throttleEnd[v]!) + EDGE_SLACK_TICKS;
      if (h.now < due) continue;
      if (this.messages[v] === this.baseline[v]) {
        throw new Error(`vector ${v} pending and enabled since ${since}, no message by ${h.now}`);
      }
      outcome("irq message owed and sent");
    }
  }
}
