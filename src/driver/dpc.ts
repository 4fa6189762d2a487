import type { DeferredRoutine, HostServices } from "../host/host-services.js";
import type { InterruptVectors } from "./interrupts.js";
import type { QueueContext } from "./queue.js";
import { type ReceivedFrame, ReceiveStaging } from "./received-frame.js";
import type { SendStatus } from "./send-request.js";

/** What a processor's DPC needs from the adapter. */
export interface DpcEnvironment {
  readonly host: HostServices;
  readonly vectors: InterruptVectors;
  /** Frames taken per queue per DPC run before yielding (receive throttling). */
  readonly rxBudget: number;
  /** Whether the copy out of each receive buffer costs cycles (see `indicateInPlace`). */
  readonly chargeReceiveCopy: boolean;
  /** False once the adapter is halting for good: DPCs then do nothing. */
  active(): boolean;
  indicateReceive(queue: number, frames: readonly ReceivedFrame[]): void;
  indicateSendComplete(queue: number, statuses: readonly SendStatus[]): void;
  /** The DPC of `processor`; it exists before a move to it is accepted. */
  dpcOf(processor: number): ProcessorDpc;
  readonly counters: DpcCounters;
}

/** What DPCs count, for statistics. */
export interface DpcCounters {
  dpcRuns: number;
  /** Runs that found no frame and no completion. */
  idleDpcRuns: number;
  /** Runs that stopped at the budget with frames left (and queued themselves again). */
  budgetExhausted: number;
  framesIndicated: number;
  sendsCompleted: number;
  handovers: number;
}

/**
 * The deferred work of one processor: it serves every queue the processor owns, which
 * all raise the processor's one vector.
 *
 * A run takes, per queue, up to the budget of received frames, indicates them upward as
 * one batch, reaps transmit completions and indicates them as one batch. If a queue still
 * has frames, the DPC queues itself again and leaves the vector masked (EIAM masked it
 * as the message left), so the device does not interrupt for work already scheduled;
 * otherwise it writes EIMS and the next event interrupts again. A cause that arrived
 * meanwhile is still set in EICR, so enabling sends its message at once: no wake-up lost.
 *
 * ## Moving a queue (retarget) without loss, duplication or reordering
 *
 * A queue's rings are consumed by exactly one DPC at a time: the DPC of its `owner`
 * processor, the only one whose list holds it. A move is a handover that only the
 * owner's DPC performs, after it has polled the queue for the last time:
 *
 * 1. The request marks the queue (`handover`) and raises the old vector with EICS, so the
 *    old DPC runs even if the queue is idle. Nothing else changes yet.
 * 2. The old DPC polls the queue as usual (indicating, in order, every frame completed so
 *    far), then: writes IVAR so that the queue's events raise the new vector; moves the
 *    queue from its own list to the new processor's list and sets `owner`; raises the new
 *    vector with EICS; then acknowledges its own cause in EICR (it was possibly set by the
 *    queue before the IVAR write and would send one message for a queue it no longer
 *    has); and only then re-enables its own vector.
 * 3. Frames completed after the last poll, before or after the IVAR write, are in the
 *    ring in order. Before the IVAR write they raised the old vector (whose DPC no longer
 *    has the queue, so it does not touch them); after it, the new one. Either way the
 *    EICS of step 2 makes the new DPC run, and it continues from the ring position the
 *    old DPC stopped at (`RxRing.next`, which moves with the ring object).
 *
 * So no frame is lost (the new DPC always runs after the handover), none is taken twice
 * (one list holds the queue, and the old DPC stopped polling before letting go) and none
 * is reordered (one ring, consumed in order by one DPC at a time; the old DPC's
 * indications returned before the new owner exists). In a kernel the list change and
 * `owner` would be published with a release barrier, read with an acquire one; here DPC
 * routines run one at a time, so they cannot interleave.
 *
 * A free is the same handover with no new owner: after the queue has stopped, the owner
 * DPC indicates what is left, clears IVAR, drops the queue and completes the free.
 */
export class ProcessorDpc {
  readonly processor: number;
  readonly vector: number;
  /** The queues this processor owns, in the order they arrived. */
  readonly queues: QueueContext[] = [];
  readonly routine: DeferredRoutine;
  private readonly env: DpcEnvironment;
  private readonly staging = new ReceiveStaging();
  private queued = false;
  /** Cycles of the interrupts taken since the last run, to share among the queues served. */
  private isrCycles = 0;
  /** The queues that had work in the current run (reused). */
  private readonly worked: QueueContext[] = [];
  /** Every queue the current run served, handed over or not (reused). */
  private readonly served: QueueContext[] = [];

  constructor(env: DpcEnvironment, processor: number, vector: number) {
    this.env = env;
    this.processor = processor;
    this.vector = vector;
    this.routine = (on) => this.run(on);
  }

  /**
   * Queues the DPC on `on` unless it is already queued (KeInsertQueueDpc semantics): two
   * interrupts before it runs need one run.
   */
  schedule(on: number): void {
    if (this.queued) return;
    this.queued = true;
    this.env.host.queueDpc(on, this.routine);
  }

  /** Notes the cost of an interrupt of this DPC's vector (called at the end of the ISR). */
  noteInterrupt(cycles: number): void {
    this.isrCycles += cycles;
  }

  private run(on: number): void {
    this.queued = false;
    const env = this.env;
    if (!env.active()) return;
    const host = env.host;
    env.counters.dpcRuns++;
    let more = false;
    let serviceCycles = 0;
    const worked = this.worked;
    for (const queue of this.queues) {
      const before = host.chargedCycles();
      const result = this.service(queue);
      const spent = host.chargedCycles() - before;
      queue.cycles += spent;
      serviceCycles += spent;
      more ||= result === "more";
      if (result !== "idle") worked.push(queue);
      this.served.push(queue);
    }
    if (worked.length === 0) env.counters.idleDpcRuns++;
    const handedOver = this.handOver();
    this.shareFixedCycles(host.chargedCycles() - serviceCycles);
    if (handedOver) {
      // The cause just cleared may have been raised by a queue kept here: look again. (A
      // queue handed over is the new owner's to finish.)
      more = this.queues.some((q) => q.hasWork());
    }
    if (more) {
      env.counters.budgetExhausted++;
      this.schedule(on);
    } else {
      env.vectors.enable(this.vector);
    }
  }

  /**
   * Shares the run's fixed cycles (the DPC's own, and the interrupts that led to it) among
   * the queues that had work, or all the queues the run served after an idle run (one
   * handed over in the run included): the interrupt that serves several queues is paid
   * for by all of them.
   */
  private shareFixedCycles(runFixedCycles: number): void {
    const fixed = runFixedCycles + this.isrCycles;
    this.isrCycles = 0;
    const worked = this.worked;
    const sharers = worked.length > 0 ? worked : this.served;
    if (sharers.length > 0) {
      const share = fixed / sharers.length;
      for (const queue of sharers) queue.cycles += share;
    }
    worked.length = 0;
    this.served.length = 0;
  }

  /** One queue's turn: receive up to the budget, then transmit completions. */
  private service(queue: QueueContext): "idle" | "done" | "more" {
    const env = this.env;
    const host = env.host;
    const frames = queue.rx.poll(env.rxBudget, this.staging, host.nowTicks());
    if (frames.length > 0) {
      host.charge("rx", host.costs.rxFrameCycles * frames.length);
      // Fix (found by test/system/host-cost.test.ts): `poll` copies every frame out of its
      // DMA buffer (RxRing.takeFrame), the copy `costs.copyByteCycles` prices, but it went
      // uncharged, so receive cost only per frame, whatever the frames' size.
      let bytes = 0;
      for (const f of frames) bytes += f.length;
      if (env.chargeReceiveCopy) host.charge("copy", host.costs.copyByteCycles * bytes);
      env.counters.framesIndicated += frames.length;
      env.indicateReceive(queue.index, frames);
      this.staging.reset();
    }
    const statuses = queue.tx.reap();
    if (statuses.length > 0) {
      host.charge("tx", host.costs.txFrameCycles * statuses.length);
      env.counters.sendsCompleted += statuses.length;
      env.indicateSendComplete(queue.index, statuses);
    }
    if (frames.length === env.rxBudget && queue.rx.hasWork()) return "more";
    return frames.length + statuses.length > 0 ? "done" : "idle";
  }

  /** Performs the pending handovers of this processor's queues; true if any happened. */
  private handOver(): boolean {
    let any = false;
    for (let i = this.queues.length - 1; i >= 0; i--) {
      const queue = this.queues[i]!;
      const handover = queue.handover;
      if (handover === null) continue;
      // A stopped queue leaves only when every frame it holds has been indicated (the run
      // stopped at the budget re-queues itself and detaches next time). A move need not
      // wait: the new owner continues where this DPC stopped.
      if (handover.kind === "detach" && queue.hasWork()) continue;
      queue.handover = null;
      this.queues.splice(i, 1);
      any = true;
      this.env.counters.handovers++;
      if (handover.kind === "move") this.move(queue, handover.processor, handover.done);
      else this.detach(queue, handover.done);
    }
    if (any) this.env.vectors.acknowledge(this.vector);
    return any;
  }

  private move(queue: QueueContext, processor: number, done: (at: number) => void): void {
    // Order matters: events go to the new vector before the new owner may poll, and the
    // new vector is raised after both, so its DPC runs and sees the queue.
    const target = this.env.dpcOf(processor);
    this.env.vectors.mapQueue(queue.index, target.vector);
    queue.owner = processor;
    target.queues.push(queue);
    this.env.vectors.raise(target.vector);
    done(this.env.host.nowTicks());
  }

  private detach(queue: QueueContext, done: (detached: boolean) => void): void {
    this.env.vectors.unmapQueue(queue.index);
    queue.owner = -1;
    done(true);
  }
}
