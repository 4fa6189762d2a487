import type { RegisterFile } from "../regs/register-file.js";
import type { QueueRingState } from "./queue-ring-state.js";

/** PTHRESH of 0 means this many. */
const DEFAULT_PREFETCH_THRESHOLD = 8;

/** The registers of one direction's queue block ("RD..." for receive, "TD..." for transmit). */
export interface RingRegisterNames {
  readonly baseLow: string;
  readonly baseHigh: string;
  readonly length: string;
  readonly head: string;
  readonly tail: string;
  readonly control: string;
}

/** What the ring control needs from the engine that moves the direction's frames. */
export interface RingEngine {
  /** Work may be possible now. */
  kick(): void;
  /** Write back whatever the queue has completed (receive batching). */
  flushQueue?(q: number): void;
}

/**
 * The register semantics shared by receive and transmit queues: the control register's
 * ENABLE (start from the head register; stop after the frames in flight, ENABLE reading 1
 * until then), tail writes (a tail outside the ring is ignored and recorded), and head
 * writes (ignored while the queue runs). Ring base and length are latched at enable, as
 * the 82599 requires software not to change them while the queue runs.
 */
export class RingControl {
  private readonly regs: RegisterFile;
  private readonly state: QueueRingState;
  private readonly names: RingRegisterNames;
  private readonly engine: RingEngine;
  private readonly strideWords: number;
  private readonly enableBit: number;
  private readonly faultBit: number;
  /** Runs when a queue is enabled, to load direction-specific settings. */
  onEnable: ((q: number) => void) | null = null;

  constructor(
    regs: RegisterFile,
    state: QueueRingState,
    names: RingRegisterNames,
    engine: RingEngine,
  ) {
    this.regs = regs;
    this.state = state;
    this.names = names;
    this.engine = engine;
    this.strideWords = (regs.map.byName(names.tail)?.stride ?? 0x40) >>> 2;
    this.enableBit = regs.map.fieldMask(names.control, "ENABLE");
    this.faultBit = regs.map.fieldMask(names.control, "FAULT");
    regs.onWrite(names.control, (q, written, previous) =>
      this.controlWritten(q, written, previous),
    );
    regs.onWrite(names.tail, (q, _written, previous) => this.tailWritten(q, previous));
    regs.onWrite(names.head, (q, written, previous) => {
      if (this.state.enabled[q] === 1)
        this.regs.ignoreWrite(this.word(names.head, q), previous, written);
    });
  }

  /** The value of field `field` of queue q's register `reg`. */
  field(reg: string, field: string, q: number): number {
    return this.regs.map.fieldValue(reg, field, this.regs.words[this.word(reg, q)]!);
  }

  private word(reg: string, q: number): number {
    return this.regs.wordOf(reg) + q * this.strideWords;
  }

  private controlWritten(q: number, written: number, previous: number): void {
    const pthresh = this.field(this.names.control, "PTHRESH", q);
    this.state.prefetchThreshold[q] = pthresh === 0 ? DEFAULT_PREFETCH_THRESHOLD : pthresh;
    this.state.writebackThreshold[q] = this.field(this.names.control, "WTHRESH", q);
    const wasEnabled = (previous & this.enableBit) !== 0;
    const wantEnabled = (written & this.enableBit) !== 0;
    if (!wantEnabled) {
      // "Clearing ENABLE clears FAULT" (the reference): any write of ENABLE = 0, also to a
      // queue a fault has already stopped, where ENABLE reads 0 and nothing else happens.
      this.state.faulted[q] = 0;
      this.regs.hwClearBits(this.word(this.names.control, q), this.faultBit);
    }
    if (wantEnabled && !wasEnabled) this.enable(q);
    else if (!wantEnabled && wasEnabled) this.disable(q);
  }

  private enable(q: number): void {
    const state = this.state;
    const names = this.names;
    const low = this.regs.words[this.word(names.baseLow, q)]!;
    const high = this.regs.words[this.word(names.baseHigh, q)]!;
    state.ringBase[q] = high * 0x1_0000_0000 + low;
    const size = Math.floor(this.regs.words[this.word(names.length, q)]! / 16);
    state.ringSize[q] = size;
    const head = this.field(names.head, "HEAD", q);
    const tail = this.field(names.tail, "TAIL", q);
    state.restart(q, head < size ? head : 0);
    state.tail[q] = tail < size ? tail : state.head[q]!;
    state.enabled[q] = 1;
    state.stopping[q] = 0;
    state.faulted[q] = 0;
    this.regs.hwWrite(this.word(names.head, q), state.head[q]!);
    this.regs.hwClearBits(this.word(names.control, q), this.faultBit);
    this.onEnable?.(q);
    this.engine.kick();
  }

  private disable(q: number): void {
    const state = this.state;
    if (state.inflight[q]! > 0) {
      state.stopping[q] = 1;
      this.regs.hwSetBits(this.word(this.names.control, q), this.enableBit);
      return;
    }
    this.engine.flushQueue?.(q);
    state.enabled[q] = 0;
    this.engine.kick();
  }

  private tailWritten(q: number, previous: number): void {
    const state = this.state;
    if (state.enabled[q] === 0) return;
    const tail = this.field(this.names.tail, "TAIL", q);
    if (tail >= state.ringSize[q]!) {
      this.regs.ignoreWrite(this.word(this.names.tail, q), previous, tail);
      return;
    }
    state.tail[q] = tail;
    this.engine.kick();
  }
}
