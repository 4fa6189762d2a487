import { VLAN_TAG_BYTES } from "../../switch/frames/vlan-tag.js";
import { headerBytes, minimumFrameBytes } from "../frames/frame-builder.js";
import { describe, issueText } from "./decode.js";
import type { WireLoad } from "./line-rate.js";
import { vmNamed } from "./resolve-vms.js";
import type { ScenarioFlow, ScenarioPhase, ScenarioVm } from "./scenario.js";
import type { RawFlow, RawPhase } from "./schema-traffic.js";
import { WIRE } from "./schema-vms.js";

/** The longest untagged frame without LSO, FCS excluded (1518 with FCS). */
export const MAX_FRAME_BYTES = 1514;
// A tagged frame may be VLAN_TAG_BYTES longer: the driver sets MAXFRS to 1522 with FCS.
/** The largest large send a scenario may ask for, headers included. */
export const MAX_LARGE_SEND_BYTES = 64 * 1024;
/** The smallest MSS a scenario may ask for. */
export const MIN_LSO_MSS = 64;

/** Flows resolved, and what the line-rate check needs of those from the wire. */
export interface ResolvedTraffic {
  readonly flows: ScenarioFlow[];
  readonly wireLoads: WireLoad[];
}

/**
 * Checks each flow against the VMs and the run (its endpoints exist and can reach each
 * other, LSO only where it applies, frames that hold their headers and fit the wire,
 * phases in order within the run) and fills in names, phase ends and both rate forms.
 */
export function resolveFlows(
  raw: readonly RawFlow[],
  vms: readonly ScenarioVm[],
  durationMs: number,
  issues: string[],
): ResolvedTraffic {
  const flows: ScenarioFlow[] = [];
  const wireLoads: WireLoad[] = [];
  const names = new Map<string, number>();
  raw.forEach((f, i) => {
    const path = `traffic.flows[${i}]`;
    const name = f.name ?? `f${i}-${f.from}-${f.to}`;
    const first = names.get(name);
    if (first !== undefined) {
      issues.push(
        issueText(
          `${path}.name`,
          describe(name),
          `a name no other flow has (flows[${first}] has it)`,
        ),
      );
    }
    names.set(name, i);
    const ends = endpoints(f, vms, path, issues);
    if (ends === undefined) return;
    const tagged = ends.from === undefined && ends.to?.vlan !== undefined;
    checkLso(f, ends.from !== undefined, path, issues);
    const phases = resolvePhases(f, tagged, durationMs, path, issues);
    flows.push({
      name,
      from: f.from,
      to: f.to,
      ip: f.ip,
      l4: f.l4,
      connections: f.connections,
      ...(f.lsoMss !== undefined ? { lsoMss: f.lsoMss } : {}),
      phases,
    });
    if (ends.from !== undefined || ends.to === undefined) return;
    const join = ends.to.joinAtMs;
    const leave = ends.to.leaveAtMs ?? durationMs;
    phases.forEach((p, k) => {
      const rawPhase = f.phases[k]!;
      const fromMs = Math.max(p.atMs, join);
      const untilMs = Math.min(p.untilMs, leave);
      if (untilMs <= fromMs || p.framesPerSecond === 0) return;
      wireLoads.push({
        path: `${path}.phases[${k}]`,
        ...given(rawPhase),
        fromMs,
        untilMs,
        framesPerSecond: p.framesPerSecond,
        frameBytes: p.frameBytes,
      });
    });
  });
  return { flows, wireLoads };
}

function given(p: RawPhase): Pick<WireLoad, "givenAs" | "given"> {
  return "gbps" in p.rate
    ? { givenAs: "rateGbps", given: p.rate.gbps }
    : { givenAs: "framesPerSecond", given: p.rate.framesPerSecond };
}

/** The flow's VMs (undefined for the wire); undefined after an issue. */
function endpoints(
  f: RawFlow,
  vms: readonly ScenarioVm[],
  path: string,
  issues: string[],
): { from: ScenarioVm | undefined; to: ScenarioVm | undefined } | undefined {
  const from = f.from === WIRE ? undefined : vmNamed(vms, f.from, `${path}.from`, issues);
  const to = f.to === WIRE ? undefined : vmNamed(vms, f.to, `${path}.to`, issues);
  if ((f.from !== WIRE && from === undefined) || (f.to !== WIRE && to === undefined)) {
    return undefined;
  }
  if (from === undefined && to === undefined) {
    issues.push(issueText(`${path}.to`, '"wire"', "a VM: a flow from the wire goes to a VM"));
    return undefined;
  }
  if (from !== undefined && from === to) {
    issues.push(issueText(`${path}.to`, describe(f.to), "a VM other than the sender"));
    return undefined;
  }
  if (from !== undefined && to !== undefined && from.vlan !== to.vlan) {
    const vlan = (vm: ScenarioVm) => (vm.vlan === undefined ? "untagged" : `on VLAN ${vm.vlan}`);
    issues.push(
      issueText(
        `${path}.to`,
        describe(f.to),
        `a VM on the sender's VLAN (${from.name} is ${vlan(from)}, ${to.name} ${vlan(to)}): the switch does not route between VLANs`,
      ),
    );
    return undefined;
  }
  return { from, to };
}

function checkLso(f: RawFlow, fromVm: boolean, path: string, issues: string[]): void {
  if (f.lsoMss === undefined) return;
  if (!fromVm || f.l4 !== "tcp") {
    issues.push(
      issueText(
        `${path}.lsoMss`,
        describe(f.lsoMss),
        "no lsoMss here: large sends are TCP flows from a VM",
      ),
    );
    return;
  }
  const max = MAX_FRAME_BYTES - headerBytes({ ip: f.ip, l4: "tcp" });
  if (f.lsoMss < MIN_LSO_MSS || f.lsoMss > max) {
    issues.push(
      issueText(
        `${path}.lsoMss`,
        describe(f.lsoMss),
        `an integer ${MIN_LSO_MSS}..${max} (segments of at most ${MAX_FRAME_BYTES} B)`,
      ),
    );
  }
}

function resolvePhases(
  f: RawFlow,
  tagged: boolean,
  durationMs: number,
  path: string,
  issues: string[],
): ScenarioPhase[] {
  const min = minimumFrameBytes({ vlan: tagged ? 1 : undefined, ip: f.ip, l4: f.l4 });
  const lso = f.lsoMss !== undefined;
  const max = lso ? MAX_LARGE_SEND_BYTES : MAX_FRAME_BYTES + (tagged ? VLAN_TAG_BYTES : 0);
  const kind = `IPv${f.ip} ${f.l4.toUpperCase()}${tagged ? " VLAN-tagged" : ""} ${lso ? "large sends" : "frames"}`;
  let previousEnd = 0;
  return f.phases.map((p, k) => {
    const at = `${path}.phases[${k}]`;
    const untilMs = p.untilMs ?? f.phases[k + 1]?.atMs ?? durationMs;
    if (p.atMs < previousEnd) {
      issues.push(
        issueText(
          `${at}.atMs`,
          describe(p.atMs),
          `a time at or after the previous phase's end (${previousEnd} ms): phases are listed in time order and do not overlap`,
        ),
      );
    }
    if (p.atMs >= durationMs) {
      issues.push(
        issueText(`${at}.atMs`, describe(p.atMs), `a time before durationMs (${durationMs})`),
      );
    }
    if (p.untilMs !== undefined && (p.untilMs <= p.atMs || p.untilMs > durationMs)) {
      issues.push(
        issueText(
          `${at}.untilMs`,
          describe(p.untilMs),
          `a time after atMs (${p.atMs}) and at most durationMs (${durationMs})`,
        ),
      );
    }
    previousEnd = Math.max(previousEnd, untilMs);
    if (p.frameBytes < min || p.frameBytes > max) {
      const why = lso ? "" : ` (${max} is the longest frame without LSO)`;
      issues.push(
        issueText(
          `${at}.frameBytes`,
          describe(p.frameBytes),
          `${min}..${max} for ${kind}: ${min - 20} B of headers and a 20 B signature${why}`,
        ),
      );
    }
    const bits = p.frameBytes * 8;
    const rate =
      "gbps" in p.rate
        ? { rateGbps: p.rate.gbps, framesPerSecond: (p.rate.gbps * 1e9) / bits }
        : {
            rateGbps: (p.rate.framesPerSecond * bits) / 1e9,
            framesPerSecond: p.rate.framesPerSecond,
          };
    return { atMs: p.atMs, untilMs, ...rate, frameBytes: p.frameBytes, burstFrames: p.burstFrames };
  });
}
