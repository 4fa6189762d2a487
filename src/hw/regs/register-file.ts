import type { Ticks } from "../../kernel/ticks.js";
import { type AccessAnomalyKind, AccessLog } from "./access-log.js";
import type { RegisterMap } from "./register-map.js";
import {
  accessMask,
  instanceCount,
  instanceOffset,
  type RegisterDef,
  registerResetValue,
} from "./schema.js";

/** Called after software writes a register: `written` is the bus value, `previous` the old contents. */
export type WriteHook = (instance: number, written: number, previous: number) => void;
/** Called before software reads a register, so an engine can bring its value up to date. */
export type ReadHook = (instance: number) => void;
/** Called for every software access (a trace tap). */
export type AccessListener = (
  op: "read" | "write",
  offset: number,
  value: number,
  regIndex: number,
  instance: number,
) => void;
/** Called for every ignored access, after it is logged. */
export type AnomalyListener = (
  kind: AccessAnomalyKind,
  op: "read" | "write",
  offset: number,
) => void;

enum WordKind {
  Plain = 0,
  Counter32 = 1,
  Counter64Low = 2,
  Counter64High = 3,
}

const U32_MAX = 0xffff_ffff;
const TWO_32 = 0x1_0000_0000;

/**
 * The device's registers, built from a `RegisterMap`: storage, the software access
 * rules of every field, and hooks through which engines react to accesses.
 *
 * Software (the driver, over the bus) uses `read32`/`write32`, which apply every
 * side effect. Engines (hardware) change state with the `hw*` methods, which bypass
 * software rules, as hardware does. Debuggers and tests use `peek32`/`poke32`, which
 * never trigger anything. Nothing here throws on a bad access: unmapped and unaligned
 * accesses, writes to read-only registers and to reserved bits are ignored as the
 * reference says, recorded in `log`, and reported to the anomaly listener.
 *
 * The write rule, per word (QEMU's register rule, extended with W1S, SC, RC and counters):
 *   keep = ro | w1c | rc | cnt | w1s | sc | reserved
 *   new  = (value & ~keep) | (old & keep)
 *   new &= ~(value & w1c)
 *   new |= value & (w1s | sc)
 */
export class RegisterFile {
  readonly map: RegisterMap;
  /** Live register contents, one entry per 32-bit word of the BAR. Engines may read it directly. */
  readonly words: Uint32Array;
  readonly log = new AccessLog();
  private readonly latch: Uint32Array;
  private readonly resetWords: Uint32Array;
  private readonly definedMask: Uint32Array;
  private readonly readMask: Uint32Array;
  private readonly keepMask: Uint32Array;
  private readonly w1cMask: Uint32Array;
  private readonly setMask: Uint32Array;
  private readonly clearOnReadMask: Uint32Array;
  private readonly writableMask: Uint32Array;
  private readonly kind: Uint8Array;
  private readonly writeHooks: (WriteHook | undefined)[];
  private readonly readHooks: (ReadHook | undefined)[];
  private accessListener: AccessListener | null = null;
  private anomalyListener: AnomalyListener | null = null;
  private readonly now: () => Ticks;

  constructor(map: RegisterMap, now: () => Ticks = () => 0) {
    this.map = map;
    this.now = now;
    const n = map.barBytes >>> 2;
    this.words = new Uint32Array(n);
    this.latch = new Uint32Array(n);
    this.resetWords = new Uint32Array(n);
    this.definedMask = new Uint32Array(n);
    this.readMask = new Uint32Array(n);
    this.keepMask = new Uint32Array(n);
    this.w1cMask = new Uint32Array(n);
    this.setMask = new Uint32Array(n);
    this.clearOnReadMask = new Uint32Array(n);
    this.writableMask = new Uint32Array(n);
    this.kind = new Uint8Array(n);
    this.writeHooks = new Array(map.registers.length).fill(undefined);
    this.readHooks = new Array(map.registers.length).fill(undefined);
    for (const reg of map.registers) this.compile(reg);
    this.reset();
  }

  private compile(reg: RegisterDef): void {
    const defined = accessMask(reg, () => true);
    const ro = accessMask(reg, (a) => a === "ro");
    const w1c = accessMask(reg, (a) => a === "w1c");
    const set = accessMask(reg, (a) => a === "w1s" || a === "sc");
    const rc = accessMask(reg, (a) => a === "rc" || a === "cnt");
    const wo = accessMask(reg, (a) => a === "wo");
    const writable = accessMask(
      reg,
      (a) => a === "rw" || a === "wo" || a === "w1c" || a === "w1s" || a === "sc",
    );
    const kind = wordKind(reg);
    for (let i = 0; i < instanceCount(reg); i++) {
      const w = instanceOffset(reg, i) >>> 2;
      this.definedMask[w] = defined;
      this.readMask[w] = (defined & ~wo) >>> 0;
      this.keepMask[w] = (ro | w1c | set | rc | ~defined) >>> 0;
      this.w1cMask[w] = w1c;
      this.setMask[w] = set;
      // A 64-bit counter's halves are cleared as a pair by the low half's read.
      this.clearOnReadMask[w] = kind === WordKind.Plain || kind === WordKind.Counter32 ? rc : 0;
      this.writableMask[w] = writable;
      this.kind[w] = kind;
      this.resetWords[w] = registerResetValue(reg);
    }
  }

  /** Restores every register to its reset value (counters and latches to 0). */
  reset(): void {
    this.words.set(this.resetWords);
    this.latch.fill(0);
  }

  /** Registers `hook` to run after every software write to register `name` (any instance). */
  onWrite(name: string, hook: WriteHook): void {
    this.writeHooks[this.map.indexOf(name)] = hook;
  }

  /** Registers `hook` to run before every software read of register `name` (any instance). */
  onRead(name: string, hook: ReadHook): void {
    this.readHooks[this.map.indexOf(name)] = hook;
  }

  /** Taps every software access (for traces); null removes the tap. */
  setAccessListener(listener: AccessListener | null): void {
    this.accessListener = listener;
  }

  /** Reports every ignored access (the device records them in registers); null removes it. */
  setAnomalyListener(listener: AnomalyListener | null): void {
    this.anomalyListener = listener;
  }

  /** The word index of instance `n` of register `name`, for engines' direct access. */
  wordOf(name: string, n = 0): number {
    return this.map.offsetOf(name, n) >>> 2;
  }

  /** A software (bus) read with every side effect. Never throws; bad offsets read 0. */
  read32(offset: number): number {
    const w = this.checkOffset(offset, "read", 0);
    if (w < 0) return 0;
    const regIndex = this.map.wordRegister[w]!;
    const instance = this.map.wordInstance[w]!;
    const hook = this.readHooks[regIndex];
    if (hook !== undefined) hook(instance);
    const words = this.words;
    let value: number;
    switch (this.kind[w]) {
      case WordKind.Counter64Low:
        value = words[w]!;
        this.latch[w + 1] = words[w + 1]!;
        words[w] = 0;
        words[w + 1] = 0;
        break;
      case WordKind.Counter64High:
        value = this.latch[w]!;
        break;
      default:
        value = (words[w]! & this.readMask[w]!) >>> 0;
        words[w] = (words[w]! & ~this.clearOnReadMask[w]!) >>> 0;
    }
    if (this.accessListener !== null)
      this.accessListener("read", offset, value, regIndex, instance);
    return value;
  }

  /** A software (bus) write with every side effect. Never throws; bad offsets are ignored. */
  write32(offset: number, value: number): void {
    const v = value >>> 0;
    const w = this.checkOffset(offset, "write", v);
    if (w < 0) return;
    const regIndex = this.map.wordRegister[w]!;
    const instance = this.map.wordInstance[w]!;
    if (this.accessListener !== null) this.accessListener("write", offset, v, regIndex, instance);
    if (this.writableMask[w] === 0) {
      this.anomaly("ro-write", "write", offset, v);
      return;
    }
    if ((v & ~this.definedMask[w]!) !== 0) this.anomaly("reserved-write", "write", offset, v);
    const words = this.words;
    const previous = words[w]!;
    const keep = this.keepMask[w]!;
    let next = (v & ~keep) | (previous & keep);
    next &= ~(v & this.w1cMask[w]!);
    next |= v & this.setMask[w]!;
    words[w] = next >>> 0;
    const hook = this.writeHooks[regIndex];
    if (hook !== undefined) hook(instance, v, previous);
  }

  /** Reads a register's stored value without any side effect (0 for unmapped offsets). */
  peek32(offset: number): number {
    const w = this.mappedWord(offset);
    return w < 0 ? 0 : this.words[w]!;
  }

  /**
   * Stores a value without any side effect or access rule (for debuggers and tests);
   * reserved bits stay 0. Unmapped offsets are ignored.
   */
  poke32(offset: number, value: number): void {
    const w = this.mappedWord(offset);
    if (w >= 0) this.words[w] = (value & this.definedMask[w]!) >>> 0;
  }

  /**
   * Hardware: a software write the device chose to ignore after the fact (a register
   * that is writable only in some states, such as a ring head while its queue runs).
   * Restores `previous` and records the access as a write to a read-only register.
   */
  ignoreWrite(word: number, previous: number, written: number): void {
    this.words[word] = previous;
    this.anomaly("ro-write", "write", word * 4, written);
  }

  /** Hardware: the word's stored value. */
  hwRead(word: number): number {
    return this.words[word]!;
  }

  /** Hardware: stores `value` (defined bits only). */
  hwWrite(word: number, value: number): void {
    this.words[word] = (value & this.definedMask[word]!) >>> 0;
  }

  /** Hardware: sets bits (as a cause or status bit being raised). */
  hwSetBits(word: number, mask: number): void {
    this.words[word] = (this.words[word]! | (mask & this.definedMask[word]!)) >>> 0;
  }

  /** Hardware: clears bits (as a self-clearing bit completing). */
  hwClearBits(word: number, mask: number): void {
    this.words[word] = (this.words[word]! & ~mask) >>> 0;
  }

  /**
   * Hardware: adds `amount` (a non-negative integer) to a counter, saturating at the
   * counter's width. `word` is the counter's (low) word.
   */
  hwCount(word: number, amount: number): void {
    // Kept small so the data path's engines inline it; a carry or saturation is rare.
    const sum = this.words[word]! + amount;
    if (sum <= U32_MAX) this.words[word] = sum;
    else this.countPastWord(word, sum);
  }

  /** `hwCount` when the sum no longer fits the word: carry into the high word, or saturate. */
  private countPastWord(word: number, sum: number): void {
    const words = this.words;
    if (this.kind[word] !== WordKind.Counter64Low) {
      words[word] = U32_MAX;
      return;
    }
    const high = words[word + 1]! + Math.floor(sum / TWO_32);
    if (high > U32_MAX) {
      words[word] = U32_MAX;
      words[word + 1] = U32_MAX;
    } else {
      words[word] = sum % TWO_32;
      words[word + 1] = high;
    }
  }

  /** The mapped word for a software access, or -1 after recording the anomaly. */
  private checkOffset(offset: number, op: "read" | "write", value: number): number {
    if (
      Number.isInteger(offset) &&
      (offset & 3) !== 0 &&
      offset > 0 &&
      offset < this.map.barBytes
    ) {
      this.anomaly("unaligned", op, offset, value);
      return -1;
    }
    const w = this.mappedWord(offset);
    if (w < 0) this.anomaly("unmapped", op, offset, value);
    return w;
  }

  private mappedWord(offset: number): number {
    if (
      !Number.isInteger(offset) ||
      offset < 0 ||
      offset >= this.map.barBytes ||
      (offset & 3) !== 0
    ) {
      return -1;
    }
    const w = offset >>> 2;
    return this.map.wordRegister[w]! < 0 ? -1 : w;
  }

  private anomaly(
    kind: AccessAnomalyKind,
    op: "read" | "write",
    offset: number,
    value: number,
  ): void {
    this.log.add({ kind, op, offset, value, atTicks: this.now() });
    if (this.anomalyListener !== null) this.anomalyListener(kind, op, offset);
  }
}

function wordKind(reg: RegisterDef): WordKind {
  const counter = reg.counter;
  if (counter === undefined) return WordKind.Plain;
  if (counter.width === 32) return WordKind.Counter32;
  return counter.half === "high" ? WordKind.Counter64High : WordKind.Counter64Low;
}
