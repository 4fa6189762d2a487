import type { Ticks } from "../kernel/ticks.js";
import type { DriverRegisters } from "./registers.js";

/** A fault the device reported through the other-causes interrupt. */
export interface FaultRecord {
  /** The OCR bits that were set (RX_DMA_FAULT, TX_DMA_FAULT, TX_DESC_ERROR). */
  readonly causes: number;
  /** The queue the last DMA fault stopped (FQUEUE), and its direction. */
  readonly queue: number;
  readonly transmit: boolean;
  /** The host address of the last DMA fault (FADDRH:FADDRL). */
  readonly address: number;
  readonly atTicks: Ticks;
}

/**
 * The other-causes ISR's work: read OCR (the one interrupt whose cause the vector does
 * not say), acknowledge exactly the bits read (a cause raised between the read and the
 * write stays set and interrupts again), and read where the fault was. Null when OCR
 * held nothing.
 */
export function takeFault(regs: DriverRegisters, nowTicks: Ticks): FaultRecord | null {
  const causes = regs.read("OCR");
  if (causes === 0) return null;
  regs.ackW1c("OCR", causes);
  return {
    causes,
    queue: regs.readField("FQUEUE", "QUEUE"),
    transmit: regs.readField("FQUEUE", "TX") === 1,
    address: regs.read("FADDRH") * 0x1_0000_0000 + regs.read("FADDRL"),
    atTicks: nowTicks,
  };
}
