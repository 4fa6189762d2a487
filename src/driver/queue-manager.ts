import type { HostServices, InterruptRoutine } from "../host/host-services.js";
import type { Scheduler } from "../kernel/scheduler.js";
import type { Ticks } from "../kernel/ticks.js";
import type { AdapterConfig } from "./adapter-config.js";
import { type DpcCounters, type DpcEnvironment, ProcessorDpc } from "./dpc.js";
import type { FilterTable } from "./filters.js";
import { type InterruptVectors, NO_VECTOR } from "./interrupts.js";
import { pollUntil, QUEUE_POLL } from "./poll.js";
import { QueueContext, type QueueRole } from "./queue.js";
import type { ReceivedFrame } from "./received-frame.js";
import type { DriverRegisters } from "./registers.js";
import { RxRing } from "./rx-ring.js";
import type { SendStatus } from "./send-request.js";
import type { StatisticsCollector } from "./statistics.js";
import { TxRing } from "./tx-ring.js";

/** A queue's state, for tests and debuggers. */
export interface QueueInfo {
  readonly queue: number;
  readonly role: QueueRole;
  readonly owner: number;
  readonly affinity: number;
  readonly vector: number;
  readonly filter: number;
  readonly rxPosted: number;
  readonly rxBuffersFree: number;
  readonly rxBuffers: number;
  readonly txPendingSends: number;
  readonly txFreeDescriptors: number;
  readonly txArenaUsedBytes: number;
  /** Processor cycles spent on the queue since it started (see `QueueContext.cycles`). */
  readonly cycles: number;
}

/** Why a free did not complete. */
export type CloseFailure = "halting" | "timeout";

/**
 * How `stopQueues` ended: every queue stopped; the device did not report them stopped in
 * time (it may still write their buffers); or `keepGoing` said to stop waiting.
 */
export type StopOutcome = "stopped" | "timeout" | "abandoned";

/** What the queue manager needs from the adapter. */
export interface QueueManagerParts {
  readonly regs: DriverRegisters;
  readonly host: HostServices;
  readonly scheduler: Scheduler;
  readonly config: AdapterConfig;
  readonly vectors: InterruptVectors;
  readonly filters: FilterTable;
  readonly stats: StatisticsCollector;
  /** Receive queues and their transmit twins the device has. */
  readonly queueCount: number;
  readonly counters: DpcCounters;
  /** True while DPCs may work (running, or halting and draining sends). */
  active(): boolean;
  /** True while the adapter runs (not halting): a free in progress checks it. */
  running(): boolean;
  indicateReceive(queue: number, frames: readonly ReceivedFrame[]): void;
  indicateSendComplete(queue: number, statuses: readonly SendStatus[]): void;
}

/**
 * The queues in use, the processors serving them and the life cycle of each queue:
 * start (rings, buffers, vector), move to another processor, close and release. The
 * rule it maintains: a queue sits in exactly one processor DPC's list, its owner's, and
 * only that DPC consumes its rings (see `ProcessorDpc`).
 */
export class QueueManager {
  /** Interrupts taken by queue vectors. */
  interrupts = 0;
  private readonly parts: QueueManagerParts;
  private readonly queues: (QueueContext | null)[];
  /** By processor. */
  private readonly dpcs: (ProcessorDpc | undefined)[] = [];
  /** By vector. */
  private readonly dpcByVector: (ProcessorDpc | undefined)[] = [];
  private readonly env: DpcEnvironment;

  constructor(parts: QueueManagerParts) {
    this.parts = parts;
    this.queues = new Array<QueueContext | null>(parts.queueCount).fill(null);
    this.env = {
      host: parts.host,
      vectors: parts.vectors,
      rxBudget: parts.config.rxBudget,
      chargeReceiveCopy: !parts.config.indicateInPlace,
      active: () => parts.active(),
      indicateReceive: (queue, frames) => parts.indicateReceive(queue, frames),
      indicateSendComplete: (queue, statuses) => parts.indicateSendComplete(queue, statuses),
      dpcOf: (processor) => {
        const dpc = this.dpcs[processor];
        if (dpc === undefined) throw new Error(`no DPC for processor ${processor}`);
        return dpc;
      },
      counters: parts.counters,
    };
  }

  /** Queue `index` if it is in use. */
  get(index: number): QueueContext | undefined {
    return (Number.isInteger(index) ? this.queues[index] : undefined) ?? undefined;
  }

  /** Queues in use, lowest first. */
  all(): QueueContext[] {
    return this.queues.filter((q): q is QueueContext => q !== null);
  }

  /** The lowest queue not in use, or -1. */
  freeIndex(): number {
    return this.queues.indexOf(null);
  }

  /** Queues not in use. */
  freeCount(): number {
    return this.queues.filter((q) => q === null).length;
  }

  /** The vector of `q`'s owner (where its interrupts go now). */
  vectorOf(q: QueueContext): number {
    return this.parts.vectors.vectorOf(q.owner);
  }

  /**
   * The queue ISR. With EIAC the cause is already clear and with EIAM the vector already
   * masked, so it reads no register: the vector says which processor's queues have work,
   * and the work is deferred to a DPC on the processor that took the interrupt.
   */
  readonly isr: InterruptRoutine = (vector, processor) => {
    const host = this.parts.host;
    this.interrupts++;
    const dpc = this.dpcByVector[vector];
    if (dpc === undefined) return;
    dpc.schedule(processor);
    dpc.noteInterrupt(host.chargedCycles());
  };

  /** The vector serving `processor`, setting it and its DPC up on first use; or NO_VECTOR. */
  ensureProcessor(processor: number): number {
    const existing = this.dpcs[processor];
    if (existing !== undefined) return existing.vector;
    const vector = this.parts.vectors.allocate(processor, this.isr);
    if (vector === NO_VECTOR) return NO_VECTOR;
    const dpc = new ProcessorDpc(this.env, processor, vector);
    this.dpcs[processor] = dpc;
    this.dpcByVector[vector] = dpc;
    return vector;
  }

  /**
   * Starts queue `index` on `processor` (whose vector `ensureProcessor` set up): IVAR
   * first, because an event with no vector would be lost; then the rings, receive full
   * of buffers. The processor's DPC owns the queue from now on.
   */
  start(index: number, role: QueueRole, processor: number): QueueContext {
    const { host, regs, config, vectors, stats } = this.parts;
    stats.startQueue(index);
    const rx = new RxRing(host.memory, regs, {
      queue: index,
      size: config.rxRingSize,
      bufferBytes: config.rxBufferBytes,
      dropWhenFull: config.dropWhenRingFull,
    });
    const tx = new TxRing(host.memory, regs, {
      queue: index,
      size: config.txRingSize,
      arenaBytes: config.txArenaBytes,
    });
    const queue = new QueueContext(index, role, rx, tx, processor);
    vectors.mapQueue(index, vectors.vectorOf(processor));
    rx.start();
    tx.start();
    this.queues[index] = queue;
    this.dpcs[processor]!.queues.push(queue);
    return queue;
  }

  /**
   * Asks `q`'s owner DPC to hand it over to `processor` (whose vector exists), and wakes
   * that DPC with a software interrupt so the move happens even if the queue is idle.
   * `done` gets the handover's tick, or null if a halt cancelled it.
   */
  move(q: QueueContext, processor: number, done: (atTicks: Ticks | null) => void): void {
    q.handover = { kind: "move", processor, done };
    this.wake(q);
  }

  /** Raises `q`'s owner vector, so that its DPC runs (and completes or hands over `q`). */
  wake(q: QueueContext): void {
    this.parts.vectors.raise(this.vectorOf(q));
  }

  /**
   * Frees `q` as NDIS describes: stop its DMA at once (receive), let the sends in flight
   * finish, wait until the device reports both directions stopped, hand the queue to its
   * owner DPC for a last poll and detach (see `ProcessorDpc`), and only then release the
   * rings and buffers. `done(null)` once released.
   */
  close(q: QueueContext, done: (failure: CloseFailure | null) => void): void {
    const running = () => this.parts.running();
    this.beginClose(q);
    // A halt that starts meanwhile takes the queue over (and releases it): stop here.
    this.stopQueues([q], "free", running, (outcome) => {
      if (outcome === "timeout") return done("timeout");
      if (outcome === "abandoned" || !running()) return done("halting");
      q.handover = {
        kind: "detach",
        done: (detached) => {
          if (detached) this.release(q);
          done(detached ? null : "halting");
        },
      };
      this.wake(q);
    });
  }

  /**
   * The middle of a free or a halt, after `beginClose`: waits for the sends in flight to
   * finish, stops transmit, and waits until the device reports both directions of every
   * queue stopped; only then may their rings and buffers be freed. A send that never
   * finishes does not stop it (the transmit stop ends it; `release` completes it as
   * aborted). `keepGoing` is asked before transmit is stopped.
   */
  stopQueues(
    queues: readonly QueueContext[],
    name: string,
    keepGoing: () => boolean,
    done: (outcome: StopOutcome) => void,
  ): void {
    const scheduler = this.parts.scheduler;
    const sendsDone = () => queues.every((q) => q.tx.pendingSends === 0);
    pollUntil(scheduler, `${name}.sends`, sendsDone, QUEUE_POLL, () => {
      if (!keepGoing()) return done("abandoned");
      for (const q of queues) q.tx.stop();
      const stopped = () => queues.every((q) => q.rx.stopped() && q.tx.stopped());
      pollUntil(scheduler, `${name}.stop`, stopped, QUEUE_POLL, (ok) =>
        done(ok ? "stopped" : "timeout"),
      );
    });
  }

  /**
   * The first steps of a free or a halt: no more sends, no handover, no frame steered to
   * the queue any more, receive DMA stopped.
   */
  beginClose(q: QueueContext): void {
    q.closing = true;
    const handover = q.handover;
    q.handover = null;
    if (handover?.kind === "move") handover.done(null);
    else if (handover?.kind === "detach") handover.done(false);
    if (q.filter >= 0) this.parts.filters.remove(q.filter);
    // Forget the slot now: a queue allocated meanwhile may be given it.
    q.filter = -1;
    q.rx.stop();
  }

  /** Completes what is left of a stopped queue and returns its memory to the host. */
  release(q: QueueContext): void {
    const aborted = q.tx.abortAll();
    if (aborted.length > 0) this.parts.indicateSendComplete(q.index, aborted);
    q.rx.destroy();
    q.tx.destroy();
    const owner = this.dpcs[q.owner];
    if (owner !== undefined) {
      const at = owner.queues.indexOf(q);
      if (at >= 0) owner.queues.splice(at, 1);
    }
    this.queues[q.index] = null;
    this.parts.stats.endQueue(q.index);
  }

  info(q: QueueContext): QueueInfo {
    return {
      queue: q.index,
      role: q.role,
      owner: q.owner,
      affinity: q.affinity,
      vector: this.vectorOf(q),
      filter: q.filter,
      rxPosted: q.rx.posted,
      rxBuffersFree: q.rx.pool.available,
      rxBuffers: q.rx.pool.capacity,
      txPendingSends: q.tx.pendingSends,
      txFreeDescriptors: q.tx.freeDescriptors,
      txArenaUsedBytes: q.tx.arena.usedBytes,
      cycles: q.cycles,
    };
  }
}
