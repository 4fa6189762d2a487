import type { Ticks } from "../kernel/ticks.js";
import type { RxRing } from "./rx-ring.js";
import type { TxRing } from "./tx-ring.js";

/**
 * What a queue is for: the default queue (0: unfiltered traffic, broadcast, multicast),
 * an RSS queue (one per RSS processor, created at initialization), or a VMQ queue
 * handed out by an allocate-queue request.
 */
export type QueueRole = "default" | "rss" | "vmq";

/**
 * A change only the queue's owner DPC may make, because it changes who consumes the
 * rings: moving the queue to another processor, or detaching it (free). The owner runs it
 * after its last poll of the queue (see `ProcessorDpc`).
 */
export type Handover =
  | {
      readonly kind: "move";
      readonly processor: number;
      /** Called with the tick of the handover, or null if it was cancelled (halt). */
      readonly done: (completedAtTicks: Ticks | null) => void;
    }
  | {
      readonly kind: "detach";
      /** Called with true once detached, false if cancelled (halt). */
      readonly done: (detached: boolean) => void;
    };

/** One receive/transmit queue pair in use, and who may touch it. */
export class QueueContext {
  readonly index: number;
  readonly role: QueueRole;
  readonly rx: RxRing;
  readonly tx: TxRing;
  /**
   * The processor whose DPC alone consumes the rings (takes received frames, reaps
   * sends). It changes only inside that DPC, in a handover; -1 once detached.
   */
  owner: number;
  /** The receive filter steering to this queue, or -1. */
  filter = -1;
  /** A handover waiting for the owner DPC, or null. */
  handover: Handover | null = null;
  /** True from the moment a free starts: sends are refused, no new handover accepted. */
  closing = false;
  /**
   * Processor cycles spent on this queue since it started: its share of the DPC runs that
   * served it (frames, completions, everything above the driver that ran in the
   * indications), plus its share of the interrupts and DPC fixed costs that woke them. The
   * load a dynamic VMQ policy measures.
   */
  cycles = 0;

  constructor(index: number, role: QueueRole, rx: RxRing, tx: TxRing, processor: number) {
    this.index = index;
    this.role = role;
    this.rx = rx;
    this.tx = tx;
    this.owner = processor;
  }

  /**
   * The processor the queue was last asked to run on: the target of a pending move, else
   * `owner` (a move cancelled by a free or halt leaves it where it is).
   */
  get affinity(): number {
    const handover = this.handover;
    return handover?.kind === "move" ? handover.processor : this.owner;
  }

  /** True when a received frame or a send completion is waiting for the owner DPC. */
  hasWork(): boolean {
    return this.rx.hasWork() || this.tx.hasWork();
  }
}
