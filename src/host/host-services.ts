import type { HostMemory } from "../bus/host-memory.js";
import type { Ticks } from "../kernel/ticks.js";

/**
 * What the host's operating system gives a driver, in the spirit of NDIS: memory it can
 * hand to the device, processors to run interrupt service routines (ISRs) and deferred
 * procedure calls (DPCs) on, and a cost model that turns the driver's work into CPU
 * cycles, so that a processor given more work than its cycles allow saturates.
 *
 * The model of execution: a work item (an ISR or a DPC) runs when its processor picks it
 * up (ISRs before DPCs, one item at a time). Its routine executes at that tick; every
 * `charge` it makes adds cycles, and the processor stays busy for their total before it
 * starts the next item. Effects the routine had (MMIO writes, frames indicated) happen
 * at the start tick; what it costs shows up as busy time and delays everything queued
 * behind it.
 */
export interface HostServices {
  readonly memory: HostMemory;
  /** Processors are numbered 0..processorCount-1. */
  readonly processorCount: number;
  readonly costs: CostModel;
  /** Every processor's clock, in hertz (cycles charged become busy time at this rate). */
  readonly clockHz: number;
  /** The current simulated time. */
  nowTicks(): Ticks;
  /**
   * Connects `isr` to MSI-X vector `vector`: when the device sends that vector's message,
   * the interrupt controller picks the processor its address targets and runs `isr` there
   * at interrupt priority (charging `costs.interruptCycles` + `costs.isrCycles` first).
   */
  connectInterrupt(vector: number, isr: InterruptRoutine): void;
  /**
   * Queues `dpc` on `processor` at DPC priority (after every pending ISR there). The host
   * charges `costs.dpcCycles` for each DPC it runs; the routine charges its own work.
   */
  queueDpc(processor: number, dpc: DeferredRoutine): void;
  /** Adds `cycles` of `kind` work to the routine now running (no-op outside one). */
  charge(kind: WorkKind, cycles: number): void;
  /**
   * Cycles charged so far to the routine now running, its fixed costs included; 0 outside
   * a routine. A routine reads it twice to learn what one part of its work cost (the
   * driver attributes its DPC's cycles to queues this way), or to place an event within
   * its busy period (`nowTicks` + these cycles' time).
   */
  chargedCycles(): number;
  /** The MSI-X message address and data that deliver an interrupt to `processor`. */
  msiTarget(processor: number): { readonly address: number; readonly data: number };
}

/** Runs on the processor that took vector `vector`'s interrupt. */
export type InterruptRoutine = (vector: number, processor: number) => void;
/** Runs at DPC priority on `processor`. */
export type DeferredRoutine = (processor: number) => void;

/** What a processor's cycles were spent on, for utilisation split by kind. */
export type WorkKind = "interrupt" | "isr" | "dpc" | "rx" | "tx" | "copy" | "switch" | "other";

/** CPU cycles per unit of work (the host's cost model). */
export interface CostModel {
  /** Taking an interrupt (entry, exit), before the ISR runs. */
  readonly interruptCycles: number;
  /** The ISR's fixed cost. */
  readonly isrCycles: number;
  /** A DPC invocation's fixed cost. */
  readonly dpcCycles: number;
  /** Per received frame indicated upward. */
  readonly rxFrameCycles: number;
  /** Per frame sent or completed. */
  readonly txFrameCycles: number;
  /** Per byte copied by the CPU. */
  readonly copyByteCycles: number;
}
