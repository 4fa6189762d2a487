import {
  childPath,
  type Decoder,
  describe,
  integer,
  issueText,
  list,
  number,
  ObjectReader,
  oneOf,
} from "./decode.js";
import { entityName, timeMs } from "./schema-vms.js";

/** The most frames one emission may carry. */
export const MAX_BURST_FRAMES = 1024;
/** The most 5-tuples one flow cycles through. */
export const MAX_CONNECTIONS = 1024;

/** A phase as the file gives it: one of the two rates, `untilMs` maybe missing. */
export interface RawPhase {
  readonly atMs: number;
  readonly untilMs?: number;
  readonly rate: { readonly gbps: number } | { readonly framesPerSecond: number };
  readonly frameBytes: number;
  readonly burstFrames: number;
}

export interface RawFlow {
  readonly name?: string;
  readonly from: string;
  readonly to: string;
  readonly ip: 4 | 6;
  readonly l4: "tcp" | "udp";
  readonly connections: number;
  readonly lsoMss?: number;
  readonly phases: readonly RawPhase[];
}

const phase: Decoder<RawPhase> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object with atMs, rateGbps, frameBytes...");
  if (o === undefined) return undefined;
  const atMs = o.required("atMs", timeMs, "the phase's start in ms");
  const untilMs = o.optional("untilMs", timeMs);
  const hasGbps = o.has("rateGbps");
  const hasFps = o.has("framesPerSecond");
  const gbps = o.optional("rateGbps", number(0, 1000, { unit: " (Gb/s)" }));
  const fps = o.optional("framesPerSecond", number(0, 1e9));
  if (hasGbps && hasFps) {
    issues.push(
      `${path}: both rateGbps and framesPerSecond — expected one of them (the other follows)`,
    );
    o.ok = false;
  } else if (!hasGbps && !hasFps) {
    issues.push(
      issueText(
        childPath(path, "rateGbps"),
        "missing",
        "a rate: rateGbps (Gb/s of frame bytes) or framesPerSecond",
      ),
    );
    o.ok = false;
  }
  const frameBytes = o.required("frameBytes", integer(1, 65_536), "the frame size in bytes");
  const burstFrames = o.optional("burstFrames", integer(1, MAX_BURST_FRAMES));
  if (!o.finish() || atMs === undefined || frameBytes === undefined) return undefined;
  const rate = gbps !== undefined ? { gbps } : { framesPerSecond: fps ?? 0 };
  return {
    atMs,
    ...(untilMs !== undefined ? { untilMs } : {}),
    rate,
    frameBytes,
    burstFrames: burstFrames ?? 1,
  };
};

/** "wire" or a VM's name (checked against the VMs later). */
const endpoint: Decoder<string> = (value, path, issues) => {
  if (typeof value === "string" && value.length > 0) return value;
  issues.push(issueText(path, describe(value), '"wire" or a VM name'));
  return undefined;
};

const flow: Decoder<RawFlow> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object with from, to, ip, l4, phases...");
  if (o === undefined) return undefined;
  const name = o.optional("name", entityName);
  const from = o.required("from", endpoint, '"wire" or a VM name');
  const to = o.required("to", endpoint, '"wire" or a VM name');
  const ip = o.required("ip", oneOf<4 | 6>([4, 6]), "4 or 6");
  const l4 = o.required("l4", oneOf(["tcp", "udp"] as const), '"tcp" or "udp"');
  const connections = o.optional("connections", integer(1, MAX_CONNECTIONS));
  const lsoMss = o.optional("lsoMss", integer(1, 9000));
  const phases = o.required("phases", list(phase, 1, 1000), "a list of phases");
  if (!o.finish()) return undefined;
  if (from === undefined || to === undefined || ip === undefined || l4 === undefined) {
    return undefined;
  }
  if (phases === undefined) return undefined;
  return {
    ...(name !== undefined ? { name } : {}),
    from,
    to,
    ip,
    l4,
    connections: connections ?? 1,
    ...(lsoMss !== undefined ? { lsoMss } : {}),
    phases,
  };
};

export const trafficSection: Decoder<{ flows: RawFlow[] }> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object with flows");
  if (o === undefined) return undefined;
  const flows = o.required("flows", list(flow, 0, 1000), "a list of flows");
  if (!o.finish() || flows === undefined) return undefined;
  return { flows };
};
