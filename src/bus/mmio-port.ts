/**
 * The bus between the driver and the NIC: what a driver has on real hardware and
 * nothing more. 32-bit MMIO reads and writes at byte offsets into the device's memory
 * BAR. (Host memory reached by DMA and MSI-X delivery join this in the data-path work.)
 */
export interface MmioPort {
  /** Reads the 32-bit register at byte `offset` of the BAR. */
  read32(offset: number): number;
  /** Writes the 32-bit register at byte `offset` of the BAR. */
  write32(offset: number, value: number): void;
}
