import type { Ticks } from "../../kernel/ticks.js";
import type { RegisterFile } from "../regs/register-file.js";
import type { FrameFifo } from "./frame-fifo.js";
import { RxFrameFields } from "./rx-frame-fields.js";
import { FLAG_BAD_FCS } from "./wire-lane.js";
import { FCS_BYTES } from "./wire-timing.js";

/** Frames shorter than this with FCS are runts. */
const MIN_WIRE_FRAME_BYTES = 64;

/**
 * Decides where a received frame (`bytes[offset, offset + length)`) goes and what its
 * descriptor will say, into `out` (cleared before the call). The packet engines (RSS,
 * filters, checksums) plug in here; the default leaves `out` as it is: queue 0, nothing
 * reported.
 */
export type RxClassifier = (
  bytes: Uint8Array,
  offset: number,
  length: number,
  out: RxFrameFields,
) => void;

/** Queue 0, no hash, no status: the device before its packet engines are configured. */
export const DEFAULT_CLASSIFIER: RxClassifier = () => {};

/** Where the MAC hands each frame it accepted: the receive DMA engine. */
export interface RxFrameSink {
  /**
   * A frame, `bytes[offset, offset + length)` with the engines' decision `fields`, both
   * valid only during the call. The packet buffer has room for it.
   */
  accept(
    bytes: Uint8Array,
    offset: number,
    length: number,
    fields: RxFrameFields,
    atTicks: Ticks,
  ): void;
}

/**
 * The receive MAC: takes each frame as its last bit arrives, drops and counts the ones
 * Ethernet rejects (runts, oversize, bad FCS), counts as missed (MPC) the ones the
 * receive packet buffer has no room for, classifies the rest and hands them to the DMA
 * engine, which stores them in the packet buffer or takes them at once.
 */
export class MacRx {
  private readonly regs: RegisterFile;
  private readonly packetBuffer: FrameFifo;
  private readonly sink: RxFrameSink;
  private readonly fields = new RxFrameFields();
  classifier: RxClassifier = DEFAULT_CLASSIFIER;
  private readonly words: Record<"RUC" | "ROC" | "CRCERRS" | "MPC" | "MAXFRS", number>;
  private readonly mfsMask: number;
  private readonly mfsShift: number;
  /** Frames that arrived from the wire, whatever became of them. */
  framesArrived = 0;

  constructor(regs: RegisterFile, packetBuffer: FrameFifo, sink: RxFrameSink) {
    this.regs = regs;
    this.packetBuffer = packetBuffer;
    this.sink = sink;
    this.words = {
      RUC: regs.wordOf("RUC"),
      ROC: regs.wordOf("ROC"),
      CRCERRS: regs.wordOf("CRCERRS"),
      MPC: regs.wordOf("MPC"),
      MAXFRS: regs.wordOf("MAXFRS"),
    };
    this.mfsMask = regs.map.fieldMask("MAXFRS", "MFS");
    this.mfsShift = regs.map.fieldShift("MAXFRS", "MFS");
  }

  /** A frame (without FCS), `bytes[offset, offset + length)`, has fully arrived from the wire. */
  receive(bytes: Uint8Array, offset: number, length: number, flags: number, atTicks: Ticks): void {
    this.framesArrived++;
    const rejectedBy = this.rejection(length, flags);
    if (rejectedBy >= 0) {
      this.regs.hwCount(rejectedBy, 1);
      return;
    }
    if (!this.packetBuffer.fits(length)) {
      this.regs.hwCount(this.words.MPC, 1);
      return;
    }
    const fields = this.fields;
    fields.clear();
    this.classifier(bytes, offset, length, fields);
    this.sink.accept(bytes, offset, length, fields, atTicks);
  }

  /** The counter word of the reason Ethernet rejects the frame, or -1 if it is acceptable. */
  private rejection(length: number, flags: number): number {
    const wireLength = length + FCS_BYTES;
    if (wireLength < MIN_WIRE_FRAME_BYTES) return this.words.RUC;
    const maxFrame = (this.regs.words[this.words.MAXFRS]! & this.mfsMask) >>> this.mfsShift;
    if (wireLength > maxFrame) return this.words.ROC;
    if ((flags & FLAG_BAD_FCS) !== 0) return this.words.CRCERRS;
    return -1;
  }
}
