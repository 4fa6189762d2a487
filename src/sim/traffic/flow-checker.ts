import { LatencyHistogram } from "../../host/latency-histogram.js";
import type { Ticks } from "../../kernel/ticks.js";
import { readSignature, type Signature } from "../frames/signature.js";

/** What a receiver saw. */
export interface ReceiverCounters {
  frames: number;
  bytes: number;
  /** Frames without the generator's signature (not ours: counted, not checked). */
  unsigned: number;
  /** A frame older than one already received on its flow (must stay zero). */
  outOfOrder: number;
  /** A frame received twice (must stay zero). */
  duplicates: number;
}

/**
 * Checks what arrives against the generator's signatures: per flow, sequence numbers must
 * rise (gaps are drops, counted elsewhere; a step back is a reordering or a duplicate),
 * and latency is arrival minus the send tick stamped in the frame.
 */
export class FlowChecker {
  readonly counters: ReceiverCounters = {
    frames: 0,
    bytes: 0,
    unsigned: 0,
    outOfOrder: 0,
    duplicates: 0,
  };
  readonly latency = new LatencyHistogram();
  private readonly lastSeq = new Map<number, number>();
  private readonly signature: Signature = { flow: 0, seq: 0, sentAtTicks: 0 };

  /**
   * Checks the frame `bytes[offset, offset + length)`, which arrived at `atTicks`; returns
   * its latency in ticks, or -1.
   */
  check(bytes: Uint8Array, offset: number, length: number, atTicks: Ticks): number {
    const c = this.counters;
    c.frames++;
    c.bytes += length;
    const sig = this.signature;
    if (!readSignature(bytes, offset, length, sig)) {
      c.unsigned++;
      return -1;
    }
    const last = this.lastSeq.get(sig.flow);
    if (last !== undefined && sig.seq <= last) {
      if (sig.seq === last) c.duplicates++;
      else c.outOfOrder++;
    } else {
      this.lastSeq.set(sig.flow, sig.seq);
    }
    const latency = Math.max(0, atTicks - sig.sentAtTicks);
    this.latency.record(latency);
    return latency;
  }
}
