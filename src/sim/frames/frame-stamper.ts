import { onesComplementSum } from "../../hw/offload/checksum.js";
import type { Ticks } from "../../kernel/ticks.js";
import {
  type FrameTemplate,
  finishL4Checksum,
  l4Checksum,
  l4ChecksumOffset,
  l4Offset,
  pseudoHeaderSum,
  writeHeaders,
} from "./frame-builder.js";
import { SIGNATURE_BYTES, writeSignature } from "./signature.js";

/**
 * Makes the frames of one flow fast: the headers and the payload are written once per
 * frame size, and each frame only gets its signature and a checksum updated from a sum
 * kept without the signature (the incremental update of RFC 1624), so a generator
 * producing millions of frames does not checksum every byte of every frame.
 */
export class FrameStamper {
  readonly template: FrameTemplate;
  private frame = new Uint8Array(0);
  private length = 0;
  /** Ones'-complement sum over everything the L4 checksum covers except the signature. */
  private baseSum = 0;
  private checksumAt = 0;

  constructor(template: FrameTemplate) {
    this.template = template;
  }

  /**
   * The frame for `flow`'s frame `seq`, `length` bytes, sent at `sentAtTicks`: a view
   * valid until the next call (copy it to keep it).
   */
  stamp(length: number, flow: number, seq: number, sentAtTicks: Ticks): Uint8Array {
    if (length !== this.length) this.prepare(length);
    const frame = this.frame;
    writeSignature(frame, length, flow, seq, sentAtTicks);
    if ((length & 1) !== 0) {
      // The signature then straddles 16-bit words of the sum: checksum the whole frame.
      finishL4Checksum(this.template, frame, length);
      return frame;
    }
    const s = onesComplementSum(frame, length - SIGNATURE_BYTES, SIGNATURE_BYTES, this.baseSum);
    const checksum = l4Checksum(this.template, s);
    frame[this.checksumAt] = checksum >>> 8;
    frame[this.checksumAt + 1] = checksum & 0xff;
    return frame;
  }

  private prepare(length: number): void {
    const t = this.template;
    this.frame = new Uint8Array(length);
    this.length = length;
    const payloadAt = writeHeaders(t, length, this.frame);
    const l4 = l4Offset(t);
    this.checksumAt = l4ChecksumOffset(t);
    // Pseudo header, then the L4 header and payload up to the signature (checksum zero).
    const covered = Math.max(payloadAt, length - SIGNATURE_BYTES) - l4;
    this.baseSum = onesComplementSum(
      this.frame,
      l4,
      covered,
      pseudoHeaderSum(t, this.frame, length - l4),
    );
  }
}
