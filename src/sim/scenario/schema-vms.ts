import { VLAN_MAX, VLAN_MIN } from "../../driver/filters.js";
import { MAX_PROCESSORS } from "../../host/interrupt-controller.js";
import {
  type Decoder,
  describe,
  integer,
  issueText,
  number,
  ObjectReader,
  oneOf,
} from "./decode.js";
import { macText } from "./mac-address.js";

/** A VM as the file gives it (the MAC may be missing; times not yet checked against the run). */
export interface RawVm {
  readonly name: string;
  /** Lower case. */
  readonly mac?: string;
  /** As the file wrote it (for messages). */
  readonly macAsWritten?: string;
  readonly vlan?: number;
  readonly sendProcessor?: number;
  readonly joinAtMs?: number;
  readonly leaveAtMs?: number;
  readonly kind?: "vm" | "host";
}

/** The endpoint name of the wire's far end, reserved. */
export const WIRE = "wire";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A VM or flow name: letters, digits, '-', '_', '.', starting with a letter or digit. */
export const entityName: Decoder<string> = (value, path, issues) => {
  if (typeof value === "string" && value.length <= 64 && NAME.test(value)) return value;
  issues.push(issueText(path, describe(value), "a name of 1..64 letters, digits, '-', '_' or '.'"));
  return undefined;
};

/** Milliseconds of simulated time from the start of the run. */
export const timeMs = number(0, 3_600_000, { unit: " (ms)" });

export const vmEntry: Decoder<RawVm> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object with name, mac, vlan...");
  if (o === undefined) return undefined;
  const name = o.required("name", entityName, "a VM name");
  const mac = o.optional("mac", macText);
  const vlan = o.optional("vlan", integer(VLAN_MIN, VLAN_MAX));
  const sendProcessor = o.optional("sendProcessor", integer(0, MAX_PROCESSORS - 1));
  const joinAtMs = o.optional("joinAtMs", timeMs);
  const leaveAtMs = o.optional("leaveAtMs", timeMs);
  const kind = o.optional("kind", oneOf(["vm", "host"] as const));
  if (!o.finish() || name === undefined) return undefined;
  return {
    name,
    ...(mac !== undefined ? { mac, macAsWritten: String(o.raw("mac")) } : {}),
    ...(vlan !== undefined ? { vlan } : {}),
    ...(sendProcessor !== undefined ? { sendProcessor } : {}),
    ...(joinAtMs !== undefined ? { joinAtMs } : {}),
    ...(leaveAtMs !== undefined ? { leaveAtMs } : {}),
    ...(kind !== undefined ? { kind } : {}),
  };
};
