import type { MmioPort } from "../bus/mmio-port.js";
import type { RegisterMap } from "../hw/regs/register-map.js";
import {
  accessMask,
  type FieldAccess,
  type FieldDef,
  fieldMask,
  fieldMaxValue,
  instanceCount,
  type RegisterDef,
} from "../hw/regs/schema.js";

/**
 * The registers the driver touches, grouped by how software may access them. The groups
 * are the driver's promises about each register; `DriverRegisters` checks every promise
 * against the register definitions when it is built and refuses a map that breaks one,
 * and the TypeScript types derived from the groups refuse a wrong access at compile time
 * (acknowledging EIMS as if it were W1C, read-modify-writing a counter...).
 */
export const REGISTER_ROLES = {
  /** Every field W1C: acknowledged by writing only the bits to clear. */
  w1c: ["EICR", "OCR", "ACCERR"],
  /** Every field W1S or WO: writing 1 acts, writing 0 does nothing. */
  strobe: ["EICS", "EIMS", "EIMC"],
  /** Read-only status. */
  readOnly: ["STATUS", "IDENT", "DEVVER", "DEVCAP", "FADDRL", "FADDRH", "FQUEUE", "MSIXPBA"],
  /**
   * RW and RO fields, and SC fields (which read-modify-write writes as 0, a no-op): safe
   * to read-modify-write one field at a time.
   */
  rmw: [
    "CTRL",
    "SCRATCH",
    "EIAC",
    "EIAM",
    "IVAR",
    "IVAR_MISC",
    "RDBAL",
    "RDBAH",
    "RDLEN",
    "RDH",
    "SRRCTL",
    "RDT",
    "RXDCTL",
    "TDBAL",
    "TDBAH",
    "TDLEN",
    "TDH",
    "TDT",
    "TXDCTL",
    "MAXFRS",
    "MRQC",
    "RSSRK",
    "RETA",
    "RAL",
    "RAH",
    "VMQF",
    "VMQCTL",
    "RXCSUM",
    "MSIXAL",
    "MSIXAH",
    "MSIXDATA",
    "MSIXVCTRL",
  ],
  /**
   * Written whole, never read-modified-written: a WO field reads 0 and writing that 0
   * back is an action (EITR.CNT_WDIS = 0 restarts the moderation interval).
   */
  writeWhole: ["EITR"],
  /** 32-bit statistics counters: a read returns the count and clears it. */
  counter32: [
    "BADACC",
    "VICNT",
    "QRNBC",
    "QPRC",
    "QPRDC",
    "CRCERRS",
    "RUC",
    "ROC",
    "MPC",
    "GPRC",
    "GPTC",
    "RXDMADC",
    "DMAFC",
    "TXDERR",
    "LSOERR",
    "QPTC",
    "IPCSERR",
    "L4CSERR",
    "BPRC",
    "MPRC",
  ],
  /** 64-bit counters by pair name (halves `<pair>L` and `<pair>H`): low half first. */
  counter64: ["QBRC", "GORC", "GOTC", "QBTC"],
} as const;

type Roles = typeof REGISTER_ROLES;
export type W1cRegister = Roles["w1c"][number];
export type StrobeRegister = Roles["strobe"][number];
export type ReadOnlyRegister = Roles["readOnly"][number];
export type RmwRegister = Roles["rmw"][number];
export type Counter32Register = Roles["counter32"][number];
export type Counter64Pair = Roles["counter64"][number];
/** Registers a plain `write` may set whole (never W1C ones: those are acknowledged). */
export type WritableRegister = RmwRegister | Roles["writeWhole"][number] | StrobeRegister;
/** Registers whose read has no side effect. */
export type ReadableRegister =
  | RmwRegister
  | Roles["writeWhole"][number]
  | ReadOnlyRegister
  | W1cRegister
  | "EIMS";

type Role = keyof Roles;

// The roles each access accepts, built once: `write` and `strobe` run in every DPC.
const READ_ROLES: readonly Role[] = ["rmw", "writeWhole", "readOnly", "w1c", "strobe"];
const WRITE_ROLES: readonly Role[] = ["rmw", "writeWhole", "strobe"];
const RMW_ROLES: readonly Role[] = ["rmw"];
const W1C_ROLES: readonly Role[] = ["w1c"];
const STROBE_ROLES: readonly Role[] = ["strobe"];
const COUNTER32_ROLES: readonly Role[] = ["counter32"];
const COUNTER64_ROLES: readonly Role[] = ["counter64"];

/** The fields a read-modify-write keeps: the RW ones (everything else is written as 0). */
const isRw = (access: FieldAccess) => access === "rw";

/** How the definitions say a register behaves, which must match the role the driver gives it. */
function roleOf(def: RegisterDef): Role | "counter64-half" | "other" {
  if (def.counter !== undefined) return def.counter.width === 64 ? "counter64-half" : "counter32";
  const all = (kinds: readonly FieldAccess[]) => def.fields.every((f) => kinds.includes(f.access));
  if (all(["w1c"])) return "w1c";
  if (all(["w1s", "wo"])) return "strobe";
  if (all(["ro"])) return "readOnly";
  if (all(["rw", "ro", "sc"])) return "rmw";
  if (all(["rw", "ro", "sc", "wo"])) return "writeWhole";
  return "other";
}

/** Field values by name, for `compose`. */
export type FieldValues = Readonly<Record<string, number>>;

/**
 * Typed access to the NIC's registers over its BAR (an `MmioPort`) with offsets and field
 * positions taken from the register map. Every helper makes one hazard impossible:
 *
 * - `ackW1c` writes only the mask given: never a read-modify-write, which would clear
 *   events nobody has handled. Only W1C registers are accepted.
 * - `readCounter32`/`readCounter64` (or `readCounter`, either width) are the only way to
 *   read a counter, because a read clears it: the caller must mean to consume the count.
 *   64-bit counters are read low half first (that read latches the high half), as the
 *   reference requires.
 * - `setField` read-modify-writes one field of a register whose read has no side effect
 *   and whose other bits survive being written back: RW fields keep their value, SC
 *   bits are written 0 (no action). `readField` reads any side-effect-free register.
 * - `strobe` writes 1s to W1S/WO registers (EIMS, EIMC, EICS), where 0 bits do nothing.
 *
 * Construction checks every role in `REGISTER_ROLES` against the definitions and throws,
 * listing each disagreement, if the map does not treat a register the way the driver
 * will. Misuse that the types would catch (a cast, a name from data) throws at the call.
 */
export class DriverRegisters {
  readonly map: RegisterMap;
  private readonly mmio: MmioPort;
  private readonly roles = new Map<string, Role>();

  constructor(mmio: MmioPort, map: RegisterMap) {
    this.mmio = mmio;
    this.map = map;
    const problems: string[] = [];
    for (const [role, names] of Object.entries(REGISTER_ROLES) as [Role, readonly string[]][]) {
      for (const name of names) {
        const problem = this.checkRole(name, role);
        if (problem === null) this.roles.set(name, role);
        else problems.push(problem);
      }
    }
    if (problems.length > 0) {
      throw new Error(`register map does not match the driver:\n  ${problems.join("\n  ")}`);
    }
  }

  /** Instances of register `reg` (queues, vectors...). */
  count(reg: string): number {
    return instanceCount(this.def(reg));
  }

  /** Reads a register whose read has no side effect. */
  read(reg: ReadableRegister, n = 0): number {
    this.expectRole(reg, READ_ROLES, "read");
    return this.mmio.read32(this.map.offsetOf(reg, n)) >>> 0;
  }

  /** Writes a whole register value (other fields get what `value` holds for them). */
  write(reg: WritableRegister, value: number, n = 0): void {
    this.expectRole(reg, WRITE_ROLES, "write");
    this.mmio.write32(this.map.offsetOf(reg, n), value >>> 0);
  }

  /** Writes `fields` (every other field 0): `writeFields("IVAR", { RX_VECTOR: 3, RX_VALID: 1 }, q)`. */
  writeFields(reg: WritableRegister, fields: FieldValues, n = 0): void {
    this.write(reg, this.compose(reg, fields), n);
  }

  /** The value of field `field` of a register whose read has no side effect. */
  readField(reg: ReadableRegister, field: string, n = 0): number {
    return this.map.fieldValue(reg, field, this.read(reg, n));
  }

  /**
   * Sets RW field `field` of an RMW-safe register to `value`, keeping its other RW fields
   * (one read, one write).
   */
  setField(reg: RmwRegister, field: string, value: number, n = 0): void {
    this.expectRole(reg, RMW_ROLES, "setField");
    const def = this.field(reg, field);
    if (def.access !== "rw") throw new Error(`setField ${reg}.${field}: field is ${def.access}`);
    const offset = this.map.offsetOf(reg, n);
    const current = this.mmio.read32(offset) & accessMask(this.def(reg), isRw);
    this.mmio.write32(offset, ((current & ~fieldMask(def)) | this.place(def, value)) >>> 0);
  }

  /** Writes 1 to self-clearing field `field` (starts its action), keeping the RW fields. */
  startAction(reg: RmwRegister, field: string, n = 0): void {
    this.expectRole(reg, RMW_ROLES, "startAction");
    const def = this.field(reg, field);
    if (def.access !== "sc") throw new Error(`startAction ${reg}.${field}: field is ${def.access}`);
    const offset = this.map.offsetOf(reg, n);
    const current = this.mmio.read32(offset) & accessMask(this.def(reg), isRw);
    this.mmio.write32(offset, (current | fieldMask(def)) >>> 0);
  }

  /** Acknowledges the events in `mask` of a W1C register: writes exactly `mask`, nothing read. */
  ackW1c(reg: W1cRegister, mask: number, n = 0): void {
    this.expectRole(reg, W1C_ROLES, "ackW1c");
    this.mmio.write32(this.map.offsetOf(reg, n), mask >>> 0);
  }

  /** Writes the 1 bits of `mask` to a W1S/WO register (enable, disable or raise vectors). */
  strobe(reg: StrobeRegister, mask: number, n = 0): void {
    this.expectRole(reg, STROBE_ROLES, "strobe");
    this.mmio.write32(this.map.offsetOf(reg, n), mask >>> 0);
  }

  /** Reads (and so clears) a 32-bit counter. */
  readCounter32(reg: Counter32Register, n = 0): number {
    this.expectRole(reg, COUNTER32_ROLES, "readCounter32");
    return this.mmio.read32(this.map.offsetOf(reg, n)) >>> 0;
  }

  /** Reads (and so clears) a 64-bit counter: the low half first, which latches the high half. */
  readCounter64(pair: Counter64Pair, n = 0): number {
    this.expectRole(pair, COUNTER64_ROLES, "readCounter64");
    const low = this.mmio.read32(this.map.offsetOf(`${pair}L`, n)) >>> 0;
    const high = this.mmio.read32(this.map.offsetOf(`${pair}H`, n)) >>> 0;
    return high * 0x1_0000_0000 + low;
  }

  /** Reads (and so clears) a counter of either width, as `readCounter32`/`readCounter64`. */
  readCounter(reg: Counter32Register | Counter64Pair, n = 0): number {
    return this.roles.get(reg) === "counter64"
      ? this.readCounter64(reg as Counter64Pair, n)
      : this.readCounter32(reg as Counter32Register, n);
  }

  /** A register value with `fields` set (named fields only; values range-checked). */
  compose(reg: string, fields: FieldValues): number {
    let value = 0;
    for (const [name, v] of Object.entries(fields)) value |= this.place(this.field(reg, name), v);
    return value >>> 0;
  }

  /** The largest value field `field` of `reg` holds. */
  fieldMax(reg: string, field: string): number {
    return fieldMaxValue(this.field(reg, field));
  }

  /** The definition's reset value of field `field` of `reg` (e.g. IDENT.MAGIC). */
  fieldReset(reg: string, field: string): number {
    return this.field(reg, field).reset ?? 0;
  }

  private place(def: FieldDef, value: number): number {
    const max = fieldMaxValue(def);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new RangeError(`field ${def.name}: value ${value} outside 0..${max}`);
    }
    return (value << def.lsb) >>> 0;
  }

  private field(reg: string, field: string): FieldDef {
    const def = this.def(reg).fields.find((f) => f.name === field);
    if (def === undefined) throw new Error(`register ${reg} has no field ${field}`);
    return def;
  }

  /** The definition of `reg`; throws when the map has none. */
  private def(reg: string): RegisterDef {
    return this.map.registers[this.map.indexOf(reg)]!;
  }

  private expectRole(reg: string, allowed: readonly Role[], op: string): void {
    const role = this.roles.get(reg);
    if (role === undefined || !allowed.includes(role)) {
      throw new Error(`${op}(${reg}): not allowed for a register the driver treats as ${role}`);
    }
  }

  /** Null when the definitions agree that `name` has `role`, else what disagrees. */
  private checkRole(name: string, role: Role): string | null {
    if (role === "counter64") return this.checkCounterPair(name);
    const def = this.map.byName(name);
    if (def === undefined) return `${name}: not in the map (the driver treats it as ${role})`;
    const actual = roleOf(def);
    if (actual === role) return null;
    const fields = def.fields.map((f) => `${f.name}:${f.access}`).join(", ");
    return `${name}: the driver treats it as ${role}, the map defines ${actual} (${fields})`;
  }

  private checkCounterPair(pair: string): string | null {
    const low = this.map.byName(`${pair}L`)?.counter;
    const high = this.map.byName(`${pair}H`)?.counter;
    const ok =
      low?.width === 64 &&
      low.half === "low" &&
      low.pair === pair &&
      high?.width === 64 &&
      high.half === "high" &&
      high.pair === pair;
    return ok ? null : `${pair}: not a 64-bit counter pair ${pair}L/${pair}H in the map`;
  }
}
