import type { Ticks } from "../../kernel/ticks.js";
import type { RegisterFile } from "../regs/register-file.js";
import type { FrameFifo } from "./frame-fifo.js";
import { FLAG_BAD_FCS } from "./wire-lane.js";
import { FCS_BYTES } from "./wire-timing.js";

/** Frames shorter than this with FCS are runts. */
const MIN_WIRE_FRAME_BYTES = 64;

/**
 * Decides where a received frame (`bytes[offset, offset + length)`) goes and what its
 * descriptor will say: sets the packet buffer slot's queue and write-back words (dword 0,
 * RSS hash, status/errors, VLAN in the high half of dword 3). The packet engines (RSS, filters, checksums) plug
 * in here; the default sends everything to queue 0 and reports nothing.
 */
export type RxClassifier = (
  bytes: Uint8Array,
  offset: number,
  length: number,
  fifo: FrameFifo,
  slot: number,
) => void;

/** Queue 0, no hash, no status: the device before its packet engines are configured. */
export const DEFAULT_CLASSIFIER: RxClassifier = () => {};

/**
 * The receive MAC: takes each frame as its last bit arrives, drops and counts the ones
 * Ethernet rejects (runts, oversize, bad FCS), and puts the rest in the receive packet
 * buffer, or counts them missed (MPC) when it has no room.
 */
export class MacRx {
  private readonly regs: RegisterFile;
  private readonly packetBuffer: FrameFifo;
  private readonly onFrameStored: () => void;
  classifier: RxClassifier = DEFAULT_CLASSIFIER;
  private readonly words: Record<"RUC" | "ROC" | "CRCERRS" | "MPC" | "MAXFRS", number>;
  private readonly mfsMask: number;
  private readonly mfsShift: number;
  /** Frames that arrived from the wire, whatever became of them. */
  framesArrived = 0;

  constructor(regs: RegisterFile, packetBuffer: FrameFifo, onFrameStored: () => void) {
    this.regs = regs;
    this.packetBuffer = packetBuffer;
    this.onFrameStored = onFrameStored;
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
    // Borrowed: if the DMA engine takes the frame at once, it copies it straight from the
    // wire's bytes; otherwise it is copied into the packet buffer below.
    const slot = this.packetBuffer.pushBorrowed(bytes, offset, length, atTicks);
    if (slot < 0) {
      this.regs.hwCount(this.words.MPC, 1);
      return;
    }
    this.classifier(bytes, offset, length, this.packetBuffer, slot);
    this.onFrameStored();
    this.packetBuffer.settle();
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
