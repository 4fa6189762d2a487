/**
 * Small hand-written decoders for JSON values: each checks one value at a path, returns it
 * (typed) or undefined, and on failure appends one message to `issues` naming the path, the
 * value found and what was expected:
 *
 *     vms[3].vlan: 5000 — expected an integer 1..4094
 *
 * Decoders never throw and keep going after a failure, so one load reports every problem.
 */

import { editDistance } from "../../hw/regs/docs/suggest.js";

/** Checks `value` found at `path`; returns it typed, or undefined after adding an issue. */
export type Decoder<T> = (value: unknown, path: string, issues: string[]) => T | undefined;

/** The message for a value that is not what was expected. */
export function issueText(path: string, found: string, expected: string): string {
  return `${path}: ${found} — expected ${expected}`;
}

/** A value as a message shows it: JSON, shortened; lists and objects by kind. */
export function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value !== null && typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `path` joined with `key`: `a.b` (`key` at the root), or `a["odd key"]` for other keys. */
export function childPath(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** " (did you mean x?)" when one of `candidates` is a likely typo of `wanted`, else "". */
export function suggestion(wanted: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(wanted.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(wanted.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best === undefined ? "" : ` (did you mean ${JSON.stringify(best)}?)`;
}

/** A JSON number that is an integer in min..max. */
export function integer(min: number, max: number, unit = ""): Decoder<number> {
  const expected = `an integer ${min}..${max}${unit}`;
  return (value, path, issues) => {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max) {
      return value;
    }
    issues.push(issueText(path, describe(value), expected));
    return undefined;
  };
}

/** A finite JSON number in min..max (`minExclusive`: above min, not equal). */
export function number(
  min: number,
  max: number,
  options: { minExclusive?: boolean; unit?: string } = {},
): Decoder<number> {
  const above = options.minExclusive === true;
  const range = above ? `above ${min}, at most ${max}` : `${min}..${max}`;
  const expected = `a number ${range}${options.unit ?? ""}`;
  return (value, path, issues) => {
    const ok =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (above ? value > min : value >= min) &&
      value <= max;
    if (ok) return value;
    issues.push(issueText(path, describe(value), expected));
    return undefined;
  };
}

/** One of a few literal values (strings or numbers). */
export function oneOf<const T extends string | number>(choices: readonly T[]): Decoder<T> {
  const expected =
    choices.length === 1
      ? JSON.stringify(choices[0])
      : `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`;
  return (value, path, issues) => {
    if ((choices as readonly unknown[]).includes(value)) return value as T;
    const hint =
      typeof value === "string"
        ? suggestion(
            value,
            choices.filter((c): c is T & string => typeof c === "string"),
          )
        : "";
    issues.push(issueText(path, describe(value), expected) + hint);
    return undefined;
  };
}

/** A JSON string, non-empty and at most `maxLength` characters. */
export function text(maxLength = 200): Decoder<string> {
  return (value, path, issues) => {
    if (typeof value === "string" && value.length > 0 && value.length <= maxLength) return value;
    issues.push(issueText(path, describe(value), `a non-empty string of at most ${maxLength}`));
    return undefined;
  };
}

/** A JSON boolean. */
export const boolean: Decoder<boolean> = (value, path, issues) => {
  if (typeof value === "boolean") return value;
  issues.push(issueText(path, describe(value), "true or false"));
  return undefined;
};

/** A list whose every item `item` accepts, with min..max items. */
export function list<T>(item: Decoder<T>, min: number, max: number): Decoder<T[]> {
  return (value, path, issues) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
      const count = min === max ? `${min}` : `${min}..${max}`;
      issues.push(issueText(path, describe(value), `a list of ${count} items`));
      return undefined;
    }
    const out: T[] = [];
    let ok = true;
    value.forEach((v, i) => {
      const decoded = item(v, `${path}[${i}]`, issues);
      if (decoded === undefined) ok = false;
      else out.push(decoded);
    });
    return ok ? out : undefined;
  };
}

/**
 * Reads the fields of one JSON object: `required` and `optional` decode a key each, and
 * `finish` reports every key nobody asked for (a typo is an error, not a silent default).
 * `ok` stays true while every field decoded.
 */
export class ObjectReader {
  ok = true;
  private readonly asked: string[] = [];

  private constructor(
    private readonly value: Record<string, unknown>,
    private readonly path: string,
    private readonly issues: string[],
  ) {}

  /** A reader over `value` when it is a JSON object; else an issue and undefined. */
  static of(
    value: unknown,
    path: string,
    issues: string[],
    what = "an object",
  ): ObjectReader | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      issues.push(issueText(path === "" ? "(scenario)" : path, describe(value), what));
      return undefined;
    }
    return new ObjectReader(value as Record<string, unknown>, path, issues);
  }

  /** The value of `key` as the file has it (for messages). */
  raw(key: string): unknown {
    return this.value[key];
  }

  /** Whether the object has `key` at all. */
  has(key: string): boolean {
    return Object.hasOwn(this.value, key);
  }

  /** The decoded value of `key`, which must be there. */
  required<T>(key: string, decoder: Decoder<T>, expected: string): T | undefined {
    this.asked.push(key);
    const path = childPath(this.path, key);
    if (!this.has(key)) {
      this.issues.push(issueText(path, "missing", expected));
      this.ok = false;
      return undefined;
    }
    return this.decode(key, decoder);
  }

  /** The decoded value of `key`, or undefined when it is absent. */
  optional<T>(key: string, decoder: Decoder<T>): T | undefined {
    this.asked.push(key);
    if (!this.has(key)) return undefined;
    return this.decode(key, decoder);
  }

  /** Reports the keys no field asked for; returns whether every field decoded. */
  finish(): boolean {
    for (const key of Object.keys(this.value)) {
      if (this.asked.includes(key)) continue;
      const path = childPath(this.path, key);
      const known = this.asked.map((k) => JSON.stringify(k)).join(", ");
      this.issues.push(
        `${path}: unknown key — expected one of ${known}${suggestion(key, this.asked)}`,
      );
      this.ok = false;
    }
    return this.ok;
  }

  private decode<T>(key: string, decoder: Decoder<T>): T | undefined {
    const decoded = decoder(this.value[key], childPath(this.path, key), this.issues);
    if (decoded === undefined) this.ok = false;
    return decoded;
  }
}
