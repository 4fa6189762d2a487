import type { ClockDomain } from "../../kernel/clock-domain.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Timer } from "../../kernel/timer.js";
import { DTYP_CONTEXT, DTYP_DATA, TX_CONTEXT, TX_DATA } from "../desc/formats.js";
import { DESCRIPTOR_BYTES, fieldPosition } from "../desc/schema.js";
import type { DmaEngine } from "../dma/dma-engine.js";
import type { FaultRecorder } from "../dma/fault-recorder.js";
import type { InterruptUnit } from "../irq/interrupt-unit.js";
import { LSO_MAX_PAYLOAD_BYTES } from "../offload/lso.js";
import type { RegisterFile } from "../regs/register-file.js";
import { acquireDescriptors } from "../rings/descriptor-fetch.js";
import type { QueueRingState } from "../rings/queue-ring-state.js";
import { ringAdd } from "../rings/ring-index.js";
import type { TxOffload } from "./tx-offload.js";
import { TX_MAX_FRAME_BYTES, type TxOutput } from "./tx-output.js";

/** The largest large send (TSE): 256 KiB of payload plus room for its headers. */
const TX_MAX_LSO_BYTES = LSO_MAX_PAYLOAD_BYTES + 1024;
const MAX_INFLIGHT = 64;
const EOP = fieldPosition(TX_DATA, "CMD_EOP").mask;
const RS = fieldPosition(TX_DATA, "CMD_RS").mask;
const DEXT = fieldPosition(TX_DATA, "CMD_DEXT").mask;
const DTYP = fieldPosition(TX_DATA, "DTYP");
const DTALEN = fieldPosition(TX_DATA, "DTALEN").mask;
const DD = fieldPosition(TX_DATA, "STA_DD").mask;
const STA_ERR = fieldPosition(TX_DATA, "STA_ERR").mask;
const TSE = fieldPosition(TX_DATA, "CMD_TSE").mask;
/** Where the dwords the engine reads sit in a descriptor (a context shares dword 2's type bits). */
const ADDRESS_AT = fieldPosition(TX_DATA, "BUFFER_ADDR_LO").byte;
const CMD_AT = DTYP.byte;
/** A data descriptor's offload options, and where DD is written back. */
const OPTIONS_AT = fieldPosition(TX_DATA, "IDX").byte;
const STATUS_AT = fieldPosition(TX_DATA, "STA_DD").byte;
const CONTEXT_LENGTHS_AT = fieldPosition(TX_CONTEXT, "MACLEN").byte;
const CONTEXT_MSS_AT = fieldPosition(TX_CONTEXT, "MSS").byte;

type Gathered = "frame" | "wait" | "refused" | "fault";

/** What the transmit DMA engine works with. */
export interface TxDmaParts {
  readonly scheduler: Scheduler;
  readonly clock: ClockDomain;
  readonly regs: RegisterFile;
  readonly dma: DmaEngine;
  readonly state: QueueRingState;
  readonly irq: InterruptUnit;
  readonly faults: FaultRecorder;
  readonly offload: TxOffload;
  readonly output: TxOutput;
}

/**
 * The transmit DMA engine: picks queues round robin, reads each frame's descriptors
 * (one per buffer, the last with EOP) and buffers from host memory, and puts the frame
 * in the transmit packet buffer, where the MAC sends it at line rate. When a frame's
 * data has been read, its descriptors with RS get DD written back, TDH advances, the
 * frame is counted and the queue's interrupt cause raised.
 *
 * A frame is refused (its descriptors completed without sending, TXDERR and
 * OCR.TX_DESC_ERROR raised) when a descriptor is not an advanced data or context
 * descriptor, a buffer length is 0, the frame exceeds 16 KiB, or the ring holds no EOP.
 * A DMA fault stops the queue. A frame whose EOP software has not posted yet waits.
 */
export class TxDma {
  private readonly scheduler: Scheduler;
  private readonly clock: ClockDomain;
  private readonly regs: RegisterFile;
  private readonly dma: DmaEngine;
  private readonly state: QueueRingState;
  private readonly irq: InterruptUnit;
  private readonly faults: FaultRecorder;
  private readonly timer: Timer;
  /** True while the device may start no new DMA (CTRL.PCIE_MASTER_DISABLE). */
  dmaBlocked: () => boolean = () => false;
  private readonly frame = new Uint8Array(TX_MAX_LSO_BYTES);
  private readonly offload: TxOffload;
  private readonly output: TxOutput;
  private roundRobin = 0;
  // The frame being gathered.
  private gatherDescs = 0;
  private gatherLength = 0;
  private gatherFaultAddress = 0;
  /** Dword 3 of the frame's first data descriptor (offload options). */
  private gatherOptions = 0;
  private gatherTse = false;
  /** Index (from the queue's next descriptor) of the frame's first data descriptor. */
  private gatherFirstData = 0;
  // In-flight frames.
  private readonly fQueue = new Int32Array(MAX_INFLIGHT);
  private readonly fFirst = new Int32Array(MAX_INFLIGHT);
  private readonly fDescs = new Int32Array(MAX_INFLIGHT);
  private readonly fLength = new Int32Array(MAX_INFLIGHT);
  /** Frames the record became on the wire (segments for LSO); -1 when refused. */
  private readonly fFrames = new Int32Array(MAX_INFLIGHT);
  private readonly fDone = new Float64Array(MAX_INFLIGHT);
  private inflightHead = 0;
  private inflightCount = 0;
  private readonly tdhWord0: number;
  private readonly strideWords: number;
  private readonly ivarWord0: number;
  private readonly txdctlWord0: number;
  private readonly qptcWord0: number;
  private readonly qbtcWord0: number;
  private readonly gptcWord: number;
  private readonly gotcWord: number;
  private readonly lsoerrWord: number;
  private readonly txValid: number;
  private readonly txVectorMask: number;
  private readonly txVectorShift: number;
  private readonly enableBit: number;
  private readonly faultBit: number;

  constructor(parts: TxDmaParts) {
    const { scheduler, regs } = parts;
    this.scheduler = scheduler;
    this.clock = parts.clock;
    this.regs = regs;
    this.dma = parts.dma;
    this.state = parts.state;
    this.irq = parts.irq;
    this.faults = parts.faults;
    this.offload = parts.offload;
    this.output = parts.output;
    this.timer = scheduler.timer("tx.dma", () => this.service());
    this.output.onSpace = () => this.kick();
    const map = regs.map;
    this.tdhWord0 = regs.wordOf("TDH");
    this.strideWords = (map.byName("TDH")?.stride ?? 0x40) >>> 2;
    this.ivarWord0 = regs.wordOf("IVAR");
    this.txdctlWord0 = regs.wordOf("TXDCTL");
    this.qptcWord0 = regs.wordOf("QPTC");
    this.qbtcWord0 = regs.wordOf("QBTCL");
    this.gptcWord = regs.wordOf("GPTC");
    this.gotcWord = regs.wordOf("GOTCL");
    this.lsoerrWord = regs.wordOf("LSOERR");
    this.txValid = map.fieldMask("IVAR", "TX_VALID");
    this.txVectorMask = map.fieldMask("IVAR", "TX_VECTOR");
    this.txVectorShift = map.fieldShift("IVAR", "TX_VECTOR");
    this.enableBit = map.fieldMask("TXDCTL", "ENABLE");
    this.faultBit = map.fieldMask("TXDCTL", "FAULT");
  }

  /** Descriptors were posted or space freed: work on the next clock edge. */
  kick(): void {
    const at = this.clock.edgeAtOrAfter(this.scheduler.nowTicks);
    if (!this.timer.pending || this.timer.atTicks > at) this.timer.scheduleAt(at);
  }

  /** Forgets frames in flight (device reset). */
  reset(): void {
    this.timer.cancel();
    this.output.reset();
    this.offload.reset();
    this.inflightHead = 0;
    this.inflightCount = 0;
    this.roundRobin = 0;
  }

  private service(): void {
    const now = this.scheduler.nowTicks;
    while (this.inflightCount > 0 && this.fDone[this.inflightHead]! <= now) this.completeOldest();
    let blocked = this.dmaBlocked();
    // A queue whose frame has no EOP posted yet is skipped, and round robin moves on. Once
    // it comes round again with nothing issued since, every queue with descriptors is
    // waiting for software to post the rest of a frame: nothing to do until a tail write
    // kicks us. (Without this the loop, and the timer after it, spun at the same tick.)
    let firstWaiting = -1;
    let allWaiting = false;
    while (!blocked && this.inflightCount < MAX_INFLIGHT && this.dma.readFreeAtTicks <= now) {
      const q = this.nextQueue();
      if (q < 0) break;
      if (q === firstWaiting) {
        allWaiting = true;
        break;
      }
      const result = this.issue(q, now);
      if (result === "full") {
        blocked = true;
        break;
      }
      if (result === "issued") firstWaiting = -1;
      else if (firstWaiting < 0) firstWaiting = q;
    }
    let at = this.inflightCount > 0 ? this.fDone[this.inflightHead]! : Number.POSITIVE_INFINITY;
    if (!blocked && !allWaiting && this.nextQueue() >= 0 && this.inflightCount < MAX_INFLIGHT) {
      at = Math.min(at, Math.max(now, this.dma.readFreeAtTicks));
    }
    if (at !== Number.POSITIVE_INFINITY) this.timer.scheduleAt(this.clock.edgeAtOrAfter(at));
  }

  /** The next queue in round-robin order with descriptors to process, or -1. */
  private nextQueue(): number {
    const state = this.state;
    for (let i = 0; i < state.count; i++) {
      const q = ringAdd(this.roundRobin, i, state.count);
      if (state.enabled[q] === 1 && state.stopping[q] === 0 && state.available(q) > 0) return q;
    }
    return -1;
  }

  /**
   * Processes queue q's next frame: "waiting" when its EOP is not posted yet, "full" when
   * the packet buffer has no room (try later).
   */
  private issue(q: number, now: number): "issued" | "waiting" | "full" {
    this.gatherFirstData = 0;
    let result = this.gather(q);
    if (result === "wait") {
      // Its EOP is not posted yet: skip the queue this round.
      this.roundRobin = ringAdd(q, 1, this.state.count);
      return "waiting";
    }
    if (result === "fault") {
      this.fault(q); // The queue stops: progress of a kind.
      return "issued";
    }
    const length = this.gatherLength;
    if (result === "frame") {
      if (!this.output.canAccept(length, this.gatherTse)) return "full";
      if (!this.copyBuffers(q)) {
        this.fault(q);
        return "issued";
      }
    }
    this.roundRobin = ringAdd(q, 1, this.state.count);
    const descs = this.gatherDescs;
    const readyAt = acquireDescriptors(this.state, this.dma, q, descs, now);
    const start = Math.max(now, readyAt);
    const done = result === "frame" ? this.dma.readDoneTicks(start, length) : start;
    let frames = -1;
    let bytes = 0;
    if (result === "frame") {
      const out = this.output.send(
        q,
        this.frame,
        length,
        this.gatherOptions,
        this.gatherTse,
        this.clock.edgeAtOrAfter(done),
      );
      frames = out.frames;
      bytes = out.bytes;
      if (frames < 0) {
        this.regs.hwCount(this.lsoerrWord, 1);
        result = "refused";
      }
    }
    if (result === "refused") this.faults.descriptorError();
    this.recordInflight(q, descs, frames, bytes, done);
    return "issued";
  }

  /**
   * Reads queue q's next frame's descriptors (not yet its buffers): sets gatherDescs
   * (descriptors the frame uses, context descriptors included), gatherLength, and the
   * first data descriptor's options. Context descriptors are stored as they are met.
   */
  private gather(q: number): Gathered {
    const state = this.state;
    const memory = this.dma.memory;
    const size = state.ringSize[q]!;
    const available = state.available(q);
    let length = 0;
    let refused = false;
    let firstData = true;
    let limit = TX_MAX_FRAME_BYTES;
    for (let i = 0; i < available; i++) {
      const at = state.ringBase[q]! + ringAdd(state.next[q]!, i, size) * DESCRIPTOR_BYTES;
      const cmd = memory.readU32(at + CMD_AT);
      if (cmd < 0) return this.gatherFault(at);
      this.gatherDescs = i + 1;
      const type = (cmd & DTYP.mask) >>> DTYP.shift;
      if (type === DTYP_CONTEXT && (cmd & DEXT) !== 0 && length === 0 && (cmd & EOP) === 0) {
        // A context descriptor before a frame: it stores offload context (for LSO and
        // checksum offload) in a slot of the queue and sends nothing on its own.
        const lengths = memory.readU32(at + CONTEXT_LENGTHS_AT);
        this.offload.storeContext(q, lengths, cmd, memory.readU32(at + CONTEXT_MSS_AT));
        this.gatherFirstData = i + 1;
        continue;
      }
      if (firstData) {
        this.gatherOptions = memory.readU32(at + OPTIONS_AT);
        this.gatherTse = (cmd & TSE) !== 0;
        limit = this.gatherTse ? TX_MAX_LSO_BYTES : TX_MAX_FRAME_BYTES;
        firstData = false;
      }
      const bytes = cmd & DTALEN;
      if (type !== DTYP_DATA || (cmd & DEXT) === 0 || bytes === 0) refused = true;
      length += bytes;
      if (length > limit) refused = true;
      if ((cmd & EOP) !== 0) {
        this.gatherLength = length;
        return refused ? "refused" : "frame";
      }
    }
    // No EOP among the posted descriptors: wait for more, unless the ring could never hold it.
    if (available >= size - 1) {
      this.gatherDescs = available;
      return "refused";
    }
    return "wait";
  }

  /** Copies the gathered frame's buffers into `frame`. False after a DMA fault. */
  private copyBuffers(q: number): boolean {
    const state = this.state;
    const memory = this.dma.memory;
    const size = state.ringSize[q]!;
    let length = 0;
    for (let i = this.gatherFirstData; i < this.gatherDescs; i++) {
      const at = state.ringBase[q]! + ringAdd(state.next[q]!, i, size) * DESCRIPTOR_BYTES;
      const bytes = memory.readU32(at + CMD_AT) & DTALEN;
      const buffer = memory.readU64(at + ADDRESS_AT);
      const ok = buffer >= 0 && this.dma.read(buffer, this.frame, length, bytes);
      if (!ok) {
        this.gatherFaultAddress = buffer < 0 ? at : buffer;
        return false;
      }
      length += bytes;
    }
    return true;
  }

  private gatherFault(address: number): Gathered {
    this.gatherFaultAddress = address;
    return "fault";
  }

  private fault(q: number): void {
    this.faults.dmaFault("TX_DMA_FAULT", q, this.gatherFaultAddress);
    this.state.faulted[q] = 1;
    const ctl = this.txdctlWord0 + q * this.strideWords;
    this.regs.hwSetBits(ctl, this.faultBit);
    // As when software clears ENABLE: the frames already in flight complete, and ENABLE
    // reads 1 until they have (completeOldest stops the queue). Clearing it at once let a
    // driver re-enable the queue under them, with their completions then moving the new
    // ring's head.
    if (this.state.inflight[q]! > 0) this.state.stopping[q] = 1;
    else {
      this.state.enabled[q] = 0;
      this.regs.hwClearBits(ctl, this.enableBit);
    }
  }

  private recordInflight(
    q: number,
    descs: number,
    frames: number,
    length: number,
    done: number,
  ): void {
    const state = this.state;
    const i = ringAdd(this.inflightHead, this.inflightCount, MAX_INFLIGHT);
    this.fQueue[i] = q;
    this.fFirst[i] = state.next[q]!;
    this.fDescs[i] = descs;
    this.fLength[i] = length;
    this.fFrames[i] = frames;
    this.fDone[i] = done;
    this.inflightCount++;
    state.next[q] = ringAdd(state.next[q]!, descs, state.ringSize[q]!);
    state.inflight[q]! += descs;
  }

  private completeOldest(): void {
    const i = this.inflightHead;
    this.inflightHead = ringAdd(i, 1, MAX_INFLIGHT);
    this.inflightCount--;
    const q = this.fQueue[i]!;
    const descs = this.fDescs[i]!;
    const length = this.fLength[i]!;
    const frames = this.fFrames[i]!;
    const state = this.state;
    const memory = this.dma.memory;
    const size = state.ringSize[q]!;
    const status = frames < 0 ? DD | STA_ERR : DD;
    for (let d = 0; d < descs; d++) {
      const at = state.ringBase[q]! + ringAdd(this.fFirst[i]!, d, size) * DESCRIPTOR_BYTES;
      const cmd = memory.readU32(at + CMD_AT);
      if (cmd >= 0 && (cmd & RS) !== 0) {
        memory.writeU32(at + STATUS_AT, (memory.readU32(at + STATUS_AT) | status) >>> 0);
      }
    }
    state.inflight[q]! -= descs;
    state.head[q] = ringAdd(state.head[q]!, descs, size);
    this.regs.hwWrite(this.tdhWord0 + q * this.strideWords, state.head[q]!);
    if (frames > 0) {
      this.regs.hwCount(this.qptcWord0 + q * this.strideWords, frames);
      this.regs.hwCount(this.qbtcWord0 + q * this.strideWords, length);
      this.regs.hwCount(this.gptcWord, frames);
      this.regs.hwCount(this.gotcWord, length);
    }
    if (state.stopping[q] === 1 && state.inflight[q] === 0) {
      state.stopping[q] = 0;
      state.enabled[q] = 0;
      this.regs.hwClearBits(this.txdctlWord0 + q * this.strideWords, this.enableBit);
    }
    const ivar = this.regs.words[this.ivarWord0 + q]!;
    if ((ivar & this.txValid) !== 0)
      this.irq.raise((ivar & this.txVectorMask) >>> this.txVectorShift);
  }
}
