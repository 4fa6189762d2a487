import type { ClockDomain } from "../../kernel/clock-domain.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import type { Timer } from "../../kernel/timer.js";
import { RX_WRITEBACK } from "../desc/formats.js";
import { DESCRIPTOR_BYTES, fieldPosition } from "../desc/schema.js";
import type { DmaEngine } from "../dma/dma-engine.js";
import type { FaultRecorder } from "../dma/fault-recorder.js";
import type { InterruptUnit } from "../irq/interrupt-unit.js";
import type { FrameFifo } from "../mac/frame-fifo.js";
import type { RxFrameSink } from "../mac/mac-rx.js";
import { RxFrameFields } from "../mac/rx-frame-fields.js";
import type { RegisterFile } from "../regs/register-file.js";
import { acquireDescriptors } from "../rings/descriptor-fetch.js";
import type { QueueRingState } from "../rings/queue-ring-state.js";
import { ringAdd } from "../rings/ring-index.js";

/** Frames whose data is on its way to host memory at once (posted writes in flight). */
const MAX_INFLIGHT = 64;
const DD = fieldPosition(RX_WRITEBACK, "STAT_DD").mask;
const EOP = fieldPosition(RX_WRITEBACK, "STAT_EOP").mask;
/** Status and error bits that describe the whole frame: only on its last descriptor. */
const LAST_ONLY =
  EOP | fieldPosition(RX_WRITEBACK, "ERR_IPE").mask | fieldPosition(RX_WRITEBACK, "ERR_L4E").mask;

type IssueResult = "issued" | "dropped" | "stalled";

/**
 * The receive DMA engine: takes the frames the MAC accepted, in arrival order, and writes
 * each into its queue's ring. A frame waits in the receive packet buffer until the engine
 * takes it; one the engine takes as it arrives (nothing waits before it, and its queue and
 * the DMA are ready) is copied to host memory straight from the wire, with the timing it
 * would have had passing through the buffer.
 *
 * For each frame it takes as many descriptors as the frame needs buffers, fetching
 * descriptors ahead in batches (their arrival is timed by the DMA engine's read path),
 * copies the frame into the buffers, and when the posted writes have landed writes the
 * descriptors back (at once, or batched per RXDCTL.WTHRESH and flushed when the queue's
 * vector fires), counts the frame, and raises the queue's interrupt cause. Several frames
 * may be in flight; their completions keep arrival order.
 *
 * A frame whose queue has no descriptor ready waits at the head of the buffer (and every
 * frame behind it waits too), unless the queue has SRRCTL.DROP_EN, in which case it is
 * dropped and counted in QPRDC. Either way QRNBC counts the event once per frame.
 */
export class RxDma implements RxFrameSink {
  private readonly scheduler: Scheduler;
  private readonly clock: ClockDomain;
  private readonly regs: RegisterFile;
  private readonly dma: DmaEngine;
  private readonly state: QueueRingState;
  private readonly irq: InterruptUnit;
  private readonly faults: FaultRecorder;
  readonly packetBuffer: FrameFifo;
  private readonly timer: Timer;
  /** True while the device may start no new DMA (CTRL.PCIE_MASTER_DISABLE). */
  dmaBlocked: () => boolean = () => false;
  private readonly scratch: Uint8Array;
  /** The fields of the packet buffer frame being issued (read back from its slot). */
  private readonly slotFields = new RxFrameFields();
  // In-flight frames, a ring of MAX_INFLIGHT records.
  private readonly fQueue = new Int32Array(MAX_INFLIGHT);
  private readonly fFirst = new Int32Array(MAX_INFLIGHT);
  private readonly fDescs = new Int32Array(MAX_INFLIGHT);
  private readonly fLength = new Int32Array(MAX_INFLIGHT);
  private readonly fDone = new Float64Array(MAX_INFLIGHT);
  private readonly fWord0 = new Uint32Array(MAX_INFLIGHT);
  private readonly fWord1 = new Uint32Array(MAX_INFLIGHT);
  private readonly fWord2 = new Uint32Array(MAX_INFLIGHT);
  private readonly fWord3 = new Uint32Array(MAX_INFLIGHT);
  private inflightHead = 0;
  private inflightCount = 0;
  /** The head frame's no-descriptor event has been counted (QRNBC). */
  private stallCounted = false;
  // Register words.
  private readonly rdhWord0: number;
  private readonly queueStrideWords: number;
  private readonly ivarWord0: number;
  private readonly qprcWord0: number;
  private readonly qprdcWord0: number;
  private readonly qrnbcWord0: number;
  private readonly qbrcWord0: number;
  private readonly gprcWord: number;
  private readonly gorcWord: number;
  private readonly rxdmadcWord: number;
  private readonly rxdctlWord0: number;
  private readonly rxValid: number;
  private readonly rxVectorMask: number;
  private readonly enableBit: number;
  private readonly faultBit: number;

  constructor(
    scheduler: Scheduler,
    clock: ClockDomain,
    regs: RegisterFile,
    dma: DmaEngine,
    state: QueueRingState,
    irq: InterruptUnit,
    faults: FaultRecorder,
    packetBuffer: FrameFifo,
  ) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.regs = regs;
    this.dma = dma;
    this.state = state;
    this.irq = irq;
    this.faults = faults;
    this.packetBuffer = packetBuffer;
    this.scratch = new Uint8Array(packetBuffer.capacityBytes);
    this.timer = scheduler.timer("rx.dma", () => this.service());
    const map = regs.map;
    this.rdhWord0 = regs.wordOf("RDH");
    this.queueStrideWords = (map.byName("RDH")?.stride ?? 0x40) >>> 2;
    this.ivarWord0 = regs.wordOf("IVAR");
    this.qprcWord0 = regs.wordOf("QPRC");
    this.qprdcWord0 = regs.wordOf("QPRDC");
    this.qrnbcWord0 = regs.wordOf("QRNBC");
    this.qbrcWord0 = regs.wordOf("QBRCL");
    this.gprcWord = regs.wordOf("GPRC");
    this.gorcWord = regs.wordOf("GORCL");
    this.rxdmadcWord = regs.wordOf("RXDMADC");
    this.rxdctlWord0 = regs.wordOf("RXDCTL");
    this.rxValid = map.fieldMask("IVAR", "RX_VALID");
    this.rxVectorMask = map.fieldMask("IVAR", "RX_VECTOR");
    this.enableBit = map.fieldMask("RXDCTL", "ENABLE");
    this.faultBit = map.fieldMask("RXDCTL", "FAULT");
    irq.onBeforeMessage((vector) => this.flushVector(vector));
  }

  /** Frames whose data is being written to host memory. */
  get framesInFlight(): number {
    return this.inflightCount;
  }

  /**
   * A frame the MAC accepted (see RxFrameSink): issued at once when the engine would take
   * it at the next clock edge without any visible effect but the DMA, else stored in the
   * packet buffer (which has room) to wait its turn.
   */
  accept(
    bytes: Uint8Array,
    offset: number,
    length: number,
    fields: RxFrameFields,
    atTicks: Ticks,
  ): void {
    const pbuf = this.packetBuffer;
    if (pbuf.count === 0) {
      const edge = this.clock.edgeAtOrAfter(this.scheduler.nowTicks);
      const q = fields.queue;
      const descs = this.quietDescriptors(q, length, edge);
      if (descs > 0) {
        this.issue(q, bytes, offset, length, descs, edge, fields);
        this.scheduleNext(edge, false);
        return;
      }
    }
    this.storeFields(pbuf.push(bytes, offset, length, atTicks), fields);
    this.kick();
  }

  /** Something changed (a frame arrived, descriptors were posted): work on the next clock edge. */
  kick(): void {
    const edge = this.clock.edgeAtOrAfter(this.scheduler.nowTicks);
    // The engine already runs by then: it will see the change.
    if (this.timer.pending && this.timer.atTicks <= edge) return;
    // Issue at once what the engine would issue at that edge without any visible effect
    // (no counter, no drop): the DMA starts at the edge, and an event is saved per frame.
    // Anything else (a drop, a stall) waits for the timer, at the edge itself.
    while (this.packetBuffer.count > 0 && this.issueHeadQuietly(edge));
    this.scheduleNext(edge, false);
  }

  /** Issues the head frame at `now` if `quietDescriptors` allows; false (nothing done) otherwise. */
  private issueHeadQuietly(now: number): boolean {
    const pbuf = this.packetBuffer;
    const slot = pbuf.head();
    const q = pbuf.queue[slot]!;
    const length = pbuf.lengthOf(slot);
    const descs = this.quietDescriptors(q, length, now);
    if (descs <= 0) return false;
    this.issueSlot(q, slot, length, descs, now);
    return true;
  }

  /**
   * How many descriptors the next frame (`length` bytes, for queue `q`) takes if the engine
   * would issue it at `now` with no visible effect but the DMA (no drop, no stall, no counter
   * touched, nothing the timer is due to do first); 0 otherwise. `issueHead`'s tests for
   * the issued case, written out again, so keep the two in step.
   */
  private quietDescriptors(q: number, length: number, now: number): number {
    if (this.timer.pending && this.timer.atTicks <= now) return 0;
    if (this.dmaBlocked() || this.inflightCount >= MAX_INFLIGHT) return 0;
    if (this.dma.writeFreeAtTicks > now || this.stallCounted) return 0;
    const state = this.state;
    if (state.enabled[q] === 0 || state.stopping[q] === 1) return 0;
    const descs = Math.ceil(length / state.bufferBytes[q]!);
    if (descs > state.ringSize[q]! - 1 || state.available(q) < descs) return 0;
    return descs;
  }

  /** Writes back queue `q`'s completed descriptors now. */
  flushQueue(q: number): void {
    const state = this.state;
    const pending = state.wbPending[q]!;
    if (pending === 0) return;
    const memory = this.dma.memory;
    const size = state.ringSize[q]!;
    const base = state.ringBase[q]!;
    for (let i = 0; i < pending; i++) {
      const at = base + ringAdd(state.head[q]!, i, size) * DESCRIPTOR_BYTES + 8;
      memory.writeU32(at, (memory.readU32(at) | DD) >>> 0);
    }
    this.advanceHead(q, pending);
  }

  /** Drops every frame in flight and forgets the stall (device reset). */
  reset(): void {
    this.timer.cancel();
    this.inflightHead = 0;
    this.inflightCount = 0;
    this.stallCounted = false;
  }

  private service(): void {
    const now = this.scheduler.nowTicks;
    while (this.inflightCount > 0 && this.fDone[this.inflightHead]! <= now) this.completeOldest();
    let stalled = this.dmaBlocked();
    while (!stalled && this.packetBuffer.count > 0 && this.inflightCount < MAX_INFLIGHT) {
      if (this.dma.writeFreeAtTicks > now) break;
      const result = this.issueHead(now);
      if (result === "stalled") {
        stalled = true;
        break;
      }
    }
    this.scheduleNext(now, stalled);
  }

  private scheduleNext(now: number, stalled: boolean): void {
    let at = Number.POSITIVE_INFINITY;
    if (this.inflightCount > 0) at = this.fDone[this.inflightHead]!;
    if (!stalled && this.packetBuffer.count > 0 && this.inflightCount < MAX_INFLIGHT) {
      at = Math.min(at, Math.max(now, this.dma.writeFreeAtTicks));
    }
    if (at === Number.POSITIVE_INFINITY) return;
    const edge = this.clock.edgeAtOrAfter(at);
    // Usually the timer already waits for that edge (the oldest frame in flight): leave it.
    if (!this.timer.pending || this.timer.atTicks !== edge) this.timer.scheduleAt(edge);
  }

  private issueHead(now: number): IssueResult {
    const pbuf = this.packetBuffer;
    const state = this.state;
    const slot = pbuf.head();
    const q = pbuf.queue[slot]!;
    const length = pbuf.lengthOf(slot);
    if (state.enabled[q] === 0 || state.stopping[q] === 1) return this.dropHead(q);
    const size = state.ringSize[q]!;
    const descs = Math.ceil(length / state.bufferBytes[q]!);
    if (descs > size - 1) return this.dropHead(q);
    if (state.available(q) < descs) {
      if (!this.stallCounted) {
        this.regs.hwCount(this.qrnbcWord0 + q * this.queueStrideWords, 1);
        this.stallCounted = true;
      }
      return state.dropEnabled[q] === 1 ? this.dropHead(q) : "stalled";
    }
    this.stallCounted = false;
    return this.issueSlot(q, slot, length, descs, now) ? "issued" : "dropped";
  }

  /** Keeps a waiting frame's fields with it, in its packet buffer slot. */
  private storeFields(slot: number, fields: RxFrameFields): void {
    const pbuf = this.packetBuffer;
    pbuf.queue[slot] = fields.queue;
    pbuf.word0[slot] = fields.word0;
    pbuf.word1[slot] = fields.word1;
    pbuf.word2[slot] = fields.word2;
    pbuf.word3[slot] = fields.word3;
  }

  /** Reads back into `out` the fields `storeFields` kept in `slot`; returns `out`. */
  private loadFields(slot: number, out: RxFrameFields): RxFrameFields {
    const pbuf = this.packetBuffer;
    out.queue = pbuf.queue[slot]!;
    out.word0 = pbuf.word0[slot]!;
    out.word1 = pbuf.word1[slot]!;
    out.word2 = pbuf.word2[slot]!;
    out.word3 = pbuf.word3[slot]!;
    return out;
  }

  /** Issues the head frame (in `slot`; see `issue`) and removes it from the packet buffer. */
  private issueSlot(q: number, slot: number, length: number, descs: number, now: number): boolean {
    const pbuf = this.packetBuffer;
    const at = pbuf.contiguousOffset(slot, 0, length);
    // A frame that wraps around the buffer's end is gathered first.
    const bytes = at >= 0 ? pbuf.store : pbuf.view(slot, 0, length, this.scratch);
    const fields = this.loadFields(slot, this.slotFields);
    const issued = this.issue(q, bytes, Math.max(at, 0), length, descs, now, fields);
    pbuf.pop();
    return issued;
  }

  /**
   * Gives the frame `bytes[offset, offset + length)`, for queue `q` (which has `descs`
   * descriptors ready for it), its descriptors, starts its DMA at `now` and records it in
   * flight with the write-back words of `fields`. False when a DMA fault dropped it.
   */
  private issue(
    q: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
    descs: number,
    now: number,
    fields: RxFrameFields,
  ): boolean {
    const state = this.state;
    const readyAt = acquireDescriptors(state, this.dma, q, descs, now);
    if (!this.copyFrame(q, bytes, offset, length, descs)) return false;
    const start = Math.max(now, readyAt);
    const done = this.dma.writeDoneTicks(start, length + descs * DESCRIPTOR_BYTES);
    const i = (this.inflightHead + this.inflightCount) % MAX_INFLIGHT;
    this.fQueue[i] = q;
    this.fFirst[i] = state.next[q]!;
    this.fDescs[i] = descs;
    this.fLength[i] = length;
    this.fDone[i] = done;
    this.fWord0[i] = fields.word0;
    this.fWord1[i] = fields.word1;
    this.fWord2[i] = fields.word2;
    this.fWord3[i] = fields.word3;
    this.inflightCount++;
    state.next[q] = ringAdd(state.next[q]!, descs, state.ringSize[q]!);
    state.inflight[q]! += descs;
    return true;
  }

  /** Copies the frame into its buffers. False after a DMA fault (the frame is dropped). */
  private copyFrame(
    q: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
    descs: number,
  ): boolean {
    const state = this.state;
    const size = state.ringSize[q]!;
    const bufferBytes = state.bufferBytes[q]!;
    const memory = this.dma.memory;
    for (let i = 0; i < descs; i++) {
      const descAddress = state.ringBase[q]! + ringAdd(state.next[q]!, i, size) * DESCRIPTOR_BYTES;
      const buffer = memory.readU64(descAddress);
      if (buffer < 0) return this.fault(q, descAddress);
      const chunk = Math.min(bufferBytes, length - i * bufferBytes);
      if (!this.dma.write(buffer, bytes, offset + i * bufferBytes, chunk)) {
        return this.fault(q, buffer);
      }
    }
    return true;
  }

  private fault(q: number, address: number): false {
    this.regs.hwCount(this.rxdmadcWord, 1);
    this.faults.dmaFault("RX_DMA_FAULT", q, address);
    this.state.faulted[q] = 1;
    const ctl = this.rxdctlWord0 + q * this.queueStrideWords;
    this.regs.hwSetBits(ctl, this.faultBit);
    // The queue stops the way it does when software clears ENABLE: frames it already has
    // in flight still land, ENABLE reads 1 until they have, and completed write-backs are
    // flushed (finishStop). Clearing ENABLE at once let a driver re-enable the queue under
    // those frames, whose completions then ran against the new ring's state.
    if (this.state.inflight[q]! > 0) this.state.stopping[q] = 1;
    else this.finishStop(q);
    return false;
  }

  private dropHead(q: number): IssueResult {
    this.regs.hwCount(this.qprdcWord0 + q * this.queueStrideWords, 1);
    this.stallCounted = false;
    this.packetBuffer.pop();
    return "dropped";
  }

  private completeOldest(): void {
    const i = this.inflightHead;
    this.inflightHead = (i + 1) % MAX_INFLIGHT;
    this.inflightCount--;
    const q = this.fQueue[i]!;
    const descs = this.fDescs[i]!;
    const length = this.fLength[i]!;
    const state = this.state;
    const immediate = state.writebackThreshold[q]! <= 1;
    this.writeBack(i, q, descs, length, immediate);
    state.inflight[q]! -= descs;
    if (immediate) this.advanceHead(q, descs);
    else this.holdWriteBack(q, descs);
    this.countReceived(q, length);
    if (state.stopping[q] === 1 && state.inflight[q] === 0) this.finishStop(q);
    const ivar = this.regs.words[this.ivarWord0 + q]!;
    if ((ivar & this.rxValid) !== 0) this.irq.raise(ivar & this.rxVectorMask);
  }

  /** A frame of `length` bytes is in queue `q`'s ring: the good-receive counters. */
  private countReceived(q: number, length: number): void {
    const regs = this.regs;
    const stride = this.queueStrideWords;
    regs.hwCount(this.qprcWord0 + q * stride, 1);
    regs.hwCount(this.qbrcWord0 + q * stride, length);
    regs.hwCount(this.gprcWord, 1);
    regs.hwCount(this.gorcWord, length);
  }

  /** Batched write-back (RXDCTL.WTHRESH > 1): DD waits until `descs` more reach the threshold. */
  private holdWriteBack(q: number, descs: number): void {
    const state = this.state;
    state.wbPending[q]! += descs;
    if (state.wbPending[q]! >= state.writebackThreshold[q]!) this.flushQueue(q);
  }

  /** Writes the descriptors of in-flight record `i` back, with DD when `withDone`. */
  private writeBack(i: number, q: number, descs: number, length: number, withDone: boolean): void {
    const state = this.state;
    const memory = this.dma.memory;
    const size = state.ringSize[q]!;
    const bufferBytes = state.bufferBytes[q]!;
    const status = this.fWord2[i]!;
    for (let d = 0; d < descs; d++) {
      const last = d === descs - 1;
      const at = state.ringBase[q]! + ringAdd(this.fFirst[i]!, d, size) * DESCRIPTOR_BYTES;
      const chunk = last ? length - d * bufferBytes : bufferBytes;
      let word2 = last ? status | EOP : status & ~LAST_ONLY;
      if (withDone) word2 |= DD;
      const word3 = (this.fWord3[i]! | chunk) >>> 0;
      memory.writeDescriptor(at, this.fWord0[i]!, this.fWord1[i]!, word2 >>> 0, word3);
    }
  }

  private advanceHead(q: number, descs: number): void {
    const state = this.state;
    state.head[q] = ringAdd(state.head[q]!, descs, state.ringSize[q]!);
    state.wbPending[q] = 0;
    this.regs.hwWrite(this.rdhWord0 + q * this.queueStrideWords, state.head[q]!);
  }

  /** A queue asked to stop has nothing in flight: write back what is pending and stop. */
  private finishStop(q: number): void {
    this.flushQueue(q);
    this.state.stopping[q] = 0;
    this.state.enabled[q] = 0;
    this.regs.hwClearBits(this.rxdctlWord0 + q * this.queueStrideWords, this.enableBit);
  }

  private flushVector(vector: number): void {
    const state = this.state;
    for (let q = 0; q < state.count; q++) {
      if (state.wbPending[q] === 0) continue;
      const ivar = this.regs.words[this.ivarWord0 + q]!;
      if ((ivar & this.rxValid) !== 0 && (ivar & this.rxVectorMask) === vector) this.flushQueue(q);
    }
  }
}
