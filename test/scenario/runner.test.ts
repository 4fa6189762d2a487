import { describe, expect, it } from "vitest";
import { parseScenario, runScenario } from "../../src/sim/scenario/index.js";
import { edited } from "./fixtures.js";

// The runner's own duties: VMs that come and go, flows that follow them, the processor set
// the scenario asks for, and the duration override.

describe("runScenario", () => {
  it("VMs joining and leaving: flows follow their VMs, every frame accounted for", async () => {
    const scenario = parseScenario(
      edited((j) => {
        j.durationMs = 30;
        // One VMQ queue: vm0 has it until it leaves at 10 ms; vm1, waiting, gets it then.
        j.nic.queues = 2;
        j.vms[0].leaveAtMs = 10;
        j.vms.push({ name: "late", joinAtMs: 20 });
        const f = j.traffic.flows[0];
        j.traffic.flows.push(
          { ...f, to: "vm1" },
          { ...f, to: "late" },
          { ...f, from: "vm1", to: "wire", l4: "tcp" },
        );
      }),
    );
    const r = await runScenario(scenario, "static");
    expect(r.inFlight).toBe(0);
    // 50,000 frames/s each: vm0 for 10 ms, vm1 (in and out) for 30 ms, late for 10 ms.
    expect(r.injected).toBeGreaterThanOrEqual(500 + 1500 * 2 + 500 - 4);
    expect(r.injected).toBeLessThanOrEqual(500 + 1500 * 2 + 500 + 4);
    // Frames to vm0 still on their way when it left are dropped, and only those.
    expect(Object.keys(r.dropped).every((k) => k === "unknown-destination")).toBe(true);
    expect(r.droppedTotal).toBeLessThan(10);
    // The freed queue went to vm1: after 10 ms frames arrive in queue 1 at vm1's rate.
    expect(r.perQueue.find((q) => q.queue === 1)!.frames).toBeGreaterThan(500 + 500);
  });

  it("hyper-threading: static VMQ places queues on the even (first) thread of each core", async () => {
    const scenario = parseScenario(
      edited((j) => {
        j.host = { processors: 8, hyperThreading: true };
        j.nic = { queues: 8, vectors: 8 };
        j.vms = Array.from({ length: 6 }, (_, i) => ({ name: `vm${i}` }));
        j.traffic.flows = j.vms.map((vm: { name: string }) => ({
          ...j.traffic.flows[0],
          to: vm.name,
        }));
      }),
    );
    const r = await runScenario(scenario, "static");
    const placed = new Set(r.samples.flatMap((s) => Object.values(s.queueProcessor)));
    // Four cores: threads 0, 2, 4, 6.
    expect([...placed].sort()).toEqual([0, 2, 4, 6]);
    r.processorUtilization.forEach((u, p) => {
      if (p % 2 === 1) expect(u).toBe(0);
    });
  });

  it("a host port (the management OS's vNIC) is switched and gets its queue like a VM's", async () => {
    const scenario = parseScenario(
      edited((j) => {
        j.durationMs = 20;
        j.vms[1].kind = "host";
        j.traffic.flows = [{ ...j.traffic.flows[0], to: "vm1" }];
      }),
    );
    expect(scenario.vms.map((vm) => vm.kind)).toEqual(["vm", "host"]);
    const r = await runScenario(scenario, "static");
    expect(r.delivered).toBe(r.injected);
    // vm0 took queue 1, the host port queue 2: its frames arrive there, not in the default.
    expect(r.perQueue.map((q) => q.queue)).toEqual([2]);
  });

  it("durationMs shortens the run, and must be positive", async () => {
    const scenario = parseScenario(edited((j) => (j.durationMs = 40)));
    const r = await runScenario(scenario, "none", { durationMs: 5 });
    expect(r.durationTicks).toBe(5e9);
    // 5 ms at 50,000 frames/s.
    expect(Math.abs(r.injected - 250)).toBeLessThanOrEqual(2);
    await expect(runScenario(scenario, "none", { durationMs: 0 })).rejects.toThrow(RangeError);
  });
});
