import type { Ticks } from "../../kernel/ticks.js";
import {
  type FrameTemplate,
  finishL4Checksum,
  headerBytes,
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
    let s = this.baseSum;
    for (let i = length - SIGNATURE_BYTES; i < length; i += 2)
      s += (frame[i]! << 8) | frame[i + 1]!;
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    let checksum = ~s & 0xffff;
    if (this.template.l4 === "udp" && checksum === 0) checksum = 0xffff;
    frame[this.checksumAt] = checksum >>> 8;
    frame[this.checksumAt + 1] = checksum & 0xff;
    return frame;
  }

  private prepare(length: number): void {
    const t = this.template;
    this.frame = new Uint8Array(length);
    this.length = length;
    const payloadAt = writeHeaders(t, length, this.frame);
    const l4 = headerBytes(t) - (t.l4 === "tcp" ? 20 : 8);
    this.checksumAt = l4 + (t.l4 === "tcp" ? 16 : 6);
    const l3 = l4 - (t.ip === 4 ? 20 : 40);
    // Pseudo header, then the L4 header and payload up to the signature (checksum zero).
    let s = 0;
    const add = (from: number, to: number) => {
      for (let i = from; i < to; i += 2) s += (this.frame[i]! << 8) | (this.frame[i + 1] ?? 0);
    };
    if (t.ip === 4) add(l3 + 12, l3 + 20);
    else add(l3 + 8, l3 + 40);
    s += (t.l4 === "tcp" ? 6 : 17) + (length - l4);
    add(l4, Math.max(payloadAt, length - SIGNATURE_BYTES));
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    this.baseSum = s;
  }
}
