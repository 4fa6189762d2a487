import {
  fieldMask,
  instanceCount,
  instanceOffset,
  type RegisterDef,
  type RegisterGroup,
} from "./schema.js";
import { validateRegisterDefs } from "./validate.js";

/** Where an offset lands: which register, which instance of it. */
export interface DecodedOffset {
  readonly reg: RegisterDef;
  /** Index of `reg` in the map's register list. */
  readonly regIndex: number;
  /** Which instance of an array register (0 for a plain register). */
  readonly instance: number;
}

/**
 * A validated register map: the definitions plus the decoder from BAR offsets to
 * registers. Built once per device configuration (the queue and vector counts size
 * the arrays). An inconsistent schema is a bug in the model, so construction throws.
 */
export class RegisterMap {
  readonly registers: readonly RegisterDef[];
  readonly groups: readonly RegisterGroup[];
  /** Size of the memory BAR in bytes. */
  readonly barBytes: number;
  /** For each 32-bit word of the BAR: the register index, or -1 when unmapped. */
  readonly wordRegister: Int32Array;
  /** For each 32-bit word of the BAR: the instance number within its register. */
  readonly wordInstance: Int32Array;
  private readonly indexByName = new Map<string, number>();

  constructor(
    registers: readonly RegisterDef[],
    groups: readonly RegisterGroup[],
    barBytes: number,
  ) {
    const problems = validateRegisterDefs(registers, barBytes);
    if (problems.length > 0) {
      throw new Error(`inconsistent register schema:\n  ${problems.join("\n  ")}`);
    }
    this.registers = registers;
    this.groups = groups;
    this.barBytes = barBytes;
    this.wordRegister = new Int32Array(barBytes >>> 2).fill(-1);
    this.wordInstance = new Int32Array(barBytes >>> 2);
    registers.forEach((reg, regIndex) => {
      this.indexByName.set(reg.name, regIndex);
      for (let n = 0; n < instanceCount(reg); n++) {
        const word = instanceOffset(reg, n) >>> 2;
        this.wordRegister[word] = regIndex;
        this.wordInstance[word] = n;
      }
    });
  }

  /** The register called `name`, or undefined. */
  byName(name: string): RegisterDef | undefined {
    const index = this.indexByName.get(name);
    return index === undefined ? undefined : this.registers[index];
  }

  /** The index of the register called `name`; throws when there is none (a model bug). */
  indexOf(name: string): number {
    const index = this.indexByName.get(name);
    if (index === undefined) throw new Error(`no register named ${name}`);
    return index;
  }

  /** The byte offset of instance `n` of the register called `name`; throws on a bad name or n. */
  offsetOf(name: string, n = 0): number {
    const reg = this.registers[this.indexOf(name)]!;
    if (!Number.isInteger(n) || n < 0 || n >= instanceCount(reg)) {
      throw new RangeError(`${name}[${n}]: instance out of range 0..${instanceCount(reg) - 1}`);
    }
    return instanceOffset(reg, n);
  }

  /**
   * The in-place mask of field `field` of register `reg`; throws when either is unknown (a
   * model bug). Engines take their bit masks from here, so the schema stays the only
   * place a bit position is written.
   */
  fieldMask(reg: string, field: string): number {
    const def = this.registers[this.indexOf(reg)]!.fields.find((f) => f.name === field);
    if (def === undefined) throw new Error(`register ${reg} has no field ${field}`);
    return fieldMask(def);
  }

  /** The bit position of the lowest bit of field `field` of register `reg`. */
  fieldShift(reg: string, field: string): number {
    const mask = this.fieldMask(reg, field);
    return 31 - Math.clz32(mask & -mask);
  }

  /** The value of field `field` of register `reg` within the register value `value`. */
  fieldValue(reg: string, field: string, value: number): number {
    const mask = this.fieldMask(reg, field);
    return ((value & mask) >>> 0) / ((mask & -mask) >>> 0);
  }

  /** What lives at byte `offset`, or undefined for unmapped or unaligned offsets. */
  decode(offset: number): DecodedOffset | undefined {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.barBytes || (offset & 3) !== 0) {
      return undefined;
    }
    const word = offset >>> 2;
    const regIndex = this.wordRegister[word]!;
    if (regIndex < 0) return undefined;
    return { reg: this.registers[regIndex]!, regIndex, instance: this.wordInstance[word]! };
  }
}
