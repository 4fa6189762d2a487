import type { MsixListener } from "../hw/irq/interrupt-unit.js";
import type { InterruptRoutine } from "./host-services.js";
import type { Processor } from "./processor.js";

/** The x86 MSI address window: bits 31:20 of every interrupt message address. */
export const MSI_ADDRESS_BASE = 0xfee0_0000;
const MSI_ADDRESS_WINDOW_MASK = 0xfff0_0000;
/** Bit 2 of an x86 MSI address: destination mode, 1 = logical (not modelled). */
const MSI_DESTINATION_MODE_LOGICAL = 0x4;
/** The first IDT vector the host hands out for MSI-X: processor p gets 0x40 + p. */
export const MSI_DATA_VECTOR_BASE = 0x40;
/** MSI-X allows at most 2048 table entries per function. */
export const MAX_MSIX_VECTORS = 2048;
/**
 * At most one Windows processor group (64 logical processors), which also keeps the
 * message data 0x40 + p within the IDT's device vectors (0x40..0x7f).
 */
export const MAX_PROCESSORS = 64;

/** The x86 MSI address that targets APIC id `apicId` (physical destination mode). */
export function msiAddressFor(apicId: number): number {
  return (MSI_ADDRESS_BASE | (apicId << 12)) >>> 0;
}

/**
 * The destination APIC id of an x86 MSI address, or undefined when the address is not
 * one the host decodes: outside 0xFEExxxxx (including any address above 4 GiB, i.e. a
 * nonzero MSIXAH), or in logical destination mode (bit 2). The redirection hint (bit 3)
 * and the reserved bits 11:4 are ignored. Ids are 8 bits (xAPIC), 0xFF being broadcast.
 */
export function decodeMsiDestination(address: number): number | undefined {
  if (!(address >= 0 && address < 0x1_0000_0000)) return undefined;
  if ((address & MSI_ADDRESS_WINDOW_MASK) >>> 0 !== MSI_ADDRESS_BASE) return undefined;
  if ((address & MSI_DESTINATION_MODE_LOGICAL) !== 0) return undefined;
  return (address >>> 12) & 0xff;
}

/**
 * The host's interrupt controller (the local APICs, seen from the bus): it takes the
 * device's MSI-X messages, decodes the destination processor from each message's
 * address, and queues the ISR connected to that MSI-X vector on it.
 *
 * The host numbers APIC ids like processors (APIC id p is processor p). `msiTarget(p)`
 * gives the address 0xFEE00000 | (p << 12) (physical destination mode, no redirection
 * hint) and data 0x40 + p (fixed delivery, edge triggered, IDT vector 0x40 + p); the
 * data is informational: the controller identifies the interrupt by the MSI-X vector
 * the device reports, not by the data.
 *
 * There is no affinity table here: a vector's affinity is the address in its MSI-X
 * table entry. Retargeting a vector is the driver rewriting MSIXAL/MSIXAH (and MSIXDATA)
 * for it, ideally with the entry masked in MSIXVCTRL meanwhile; messages sent after the
 * write go to the new processor.
 *
 * Faults never throw: a message whose address does not decode to one of the host's
 * processors goes to processor 0 and counts as misrouted; a message for a vector no ISR
 * is connected to counts as spurious and is dropped (no processor time is charged).
 */
export class InterruptController {
  private readonly processors: readonly Processor[];
  private readonly routines: (InterruptRoutine | undefined)[];
  private readonly perVector = new Float64Array(MAX_MSIX_VECTORS);
  private readonly perProcessor: Float64Array;
  /** Messages whose address named no processor of the host (sent to processor 0). */
  misrouted = 0;
  /** Messages for a vector with no connected ISR (dropped). */
  spurious = 0;

  constructor(processors: readonly Processor[]) {
    if (processors.length < 1 || processors.length > MAX_PROCESSORS) {
      throw new RangeError(`processors: ${processors.length} must be within 1..${MAX_PROCESSORS}`);
    }
    this.processors = processors;
    this.routines = new Array<InterruptRoutine | undefined>(MAX_MSIX_VECTORS).fill(undefined);
    this.perProcessor = new Float64Array(processors.length);
  }

  /** Connects `isr` to MSI-X vector `vector`, replacing any ISR connected before. */
  connect(vector: number, isr: InterruptRoutine): void {
    checkVector(vector);
    this.routines[vector] = isr;
  }

  /** Disconnects vector `vector`'s ISR; its later messages count as spurious. */
  disconnect(vector: number): void {
    checkVector(vector);
    this.routines[vector] = undefined;
  }

  /** The MSI-X message address and data that deliver an interrupt to `processor`. */
  msiTarget(processor: number): { readonly address: number; readonly data: number } {
    if (!Number.isInteger(processor) || processor < 0 || processor >= this.processors.length) {
      throw new RangeError(
        `msiTarget: processor ${processor} must be within 0..${this.processors.length - 1}`,
      );
    }
    return { address: msiAddressFor(processor), data: MSI_DATA_VECTOR_BASE + processor };
  }

  /** Takes an MSI-X message: the listener to give `Nic.setMsixListener`. */
  readonly message: MsixListener = (vector, address) => {
    const id = decodeMsiDestination(address);
    let processor = 0;
    if (id !== undefined && id < this.processors.length) processor = id;
    else this.misrouted++;
    const isr = Number.isInteger(vector) ? this.routines[vector] : undefined;
    if (isr === undefined) {
      this.spurious++;
      return;
    }
    this.perVector[vector]!++;
    this.perProcessor[processor]!++;
    this.processors[processor]!.queueIsr(isr, vector);
  };

  /** Interrupts (connected vectors' messages) delivered to `processor`. */
  interruptsTo(processor: number): number {
    return this.perProcessor[processor] ?? 0;
  }

  /** Interrupts (messages with a connected ISR) vector `vector` delivered. */
  interruptsFrom(vector: number): number {
    return this.perVector[vector] ?? 0;
  }
}

function checkVector(vector: number): void {
  if (!Number.isInteger(vector) || vector < 0 || vector >= MAX_MSIX_VECTORS) {
    throw new RangeError(`vector ${vector} must be within 0..${MAX_MSIX_VECTORS - 1}`);
  }
}
