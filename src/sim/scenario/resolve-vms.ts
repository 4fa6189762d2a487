import { formatMac } from "../../driver/filters.js";
import { PEER_MAC } from "../testbed.js";
import { describe, issueText, suggestion } from "./decode.js";
import { generateMacs } from "./mac-address.js";
import type { ScenarioVm } from "./scenario.js";
import { type RawVm, WIRE } from "./schema-vms.js";

/**
 * The VMs with their checks against the rest of the scenario (processors, run time, each
 * other) and their addresses: explicit ones must be unique on their VLAN; missing ones are
 * generated from the seed, unique everywhere.
 */
export function resolveVms(
  raw: readonly RawVm[],
  context: { processors: number; durationMs: number; seed: number },
  issues: string[],
): ScenarioVm[] {
  const peer = formatMac(PEER_MAC);
  const names = new Map<string, number>();
  const macs = new Map<string, number>();
  raw.forEach((vm, i) => {
    const path = `vms[${i}]`;
    const first = names.get(vm.name);
    if (vm.name === WIRE) {
      issues.push(
        issueText(`${path}.name`, describe(vm.name), 'a VM name other than "wire" (the link)'),
      );
    } else if (first !== undefined) {
      issues.push(
        issueText(
          `${path}.name`,
          describe(vm.name),
          `a name no other VM has (vms[${first}] has it)`,
        ),
      );
    } else {
      names.set(vm.name, i);
    }
    checkVmNumbers(vm, path, context, issues);
    if (vm.mac === undefined) return;
    const key = `${vm.vlan ?? 0}/${vm.mac}`;
    const clash = macs.get(key);
    const found = describe(vm.macAsWritten ?? vm.mac);
    if (vm.mac === peer) {
      issues.push(issueText(`${path}.mac`, found, "an address other than the wire peer's"));
    } else if (clash !== undefined) {
      const on = vm.vlan === undefined ? "untagged" : `on VLAN ${vm.vlan}`;
      issues.push(
        issueText(`${path}.mac`, found, `an address no other VM ${on} has (vms[${clash}] has it)`),
      );
    } else {
      macs.set(key, i);
    }
  });
  const taken = new Set([peer, ...raw.flatMap((vm) => (vm.mac !== undefined ? [vm.mac] : []))]);
  const generated = generateMacs(
    context.seed,
    raw.filter((vm) => vm.mac === undefined).length,
    taken,
  );
  let next = 0;
  return raw.map((vm) => {
    const mac = vm.mac ?? generated[next++]!;
    return {
      name: vm.name,
      mac,
      macGenerated: vm.mac === undefined,
      ...(vm.vlan !== undefined ? { vlan: vm.vlan } : {}),
      ...(vm.sendProcessor !== undefined ? { sendProcessor: vm.sendProcessor } : {}),
      joinAtMs: vm.joinAtMs ?? 0,
      ...(vm.leaveAtMs !== undefined ? { leaveAtMs: vm.leaveAtMs } : {}),
      kind: vm.kind ?? "vm",
    };
  });
}

function checkVmNumbers(
  vm: RawVm,
  path: string,
  context: { processors: number; durationMs: number },
  issues: string[],
): void {
  if (vm.sendProcessor !== undefined && vm.sendProcessor >= context.processors) {
    issues.push(
      issueText(
        `${path}.sendProcessor`,
        describe(vm.sendProcessor),
        `a processor 0..${context.processors - 1} (host.processors is ${context.processors})`,
      ),
    );
  }
  const join = vm.joinAtMs ?? 0;
  if (join >= context.durationMs) {
    issues.push(
      issueText(
        `${path}.joinAtMs`,
        describe(join),
        `a time before durationMs (${context.durationMs})`,
      ),
    );
  }
  if (vm.leaveAtMs !== undefined && (vm.leaveAtMs <= join || vm.leaveAtMs > context.durationMs)) {
    issues.push(
      issueText(
        `${path}.leaveAtMs`,
        describe(vm.leaveAtMs),
        `a time after joinAtMs (${join}) and at most durationMs (${context.durationMs})`,
      ),
    );
  }
}

/** The VM called `name`, or an issue at `path` naming the choices. */
export function vmNamed(
  vms: readonly ScenarioVm[],
  name: string,
  path: string,
  issues: string[],
): ScenarioVm | undefined {
  const vm = vms.find((v) => v.name === name);
  if (vm !== undefined) return vm;
  const names = vms.map((v) => v.name);
  const shown = names.length > 8 ? `${names.slice(0, 8).join(", ")}...` : names.join(", ");
  issues.push(
    issueText(path, describe(name), `"wire" or the name of a VM (${shown})`) +
      suggestion(name, [WIRE, ...names]),
  );
  return undefined;
}
