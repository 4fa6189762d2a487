import { test } from "vitest";
import { SwitchWorld } from "./model-world.js";

test("debug", async () => {
  const w = new SwitchWorld({ policy: "static", queues: 2, backlogLimit: 4096, sendBudget: 64, cheapSwitch: false, linkSpeedMbps: 1000, txPacketBufferBytes: 16384 });
  await w.start();
  await w.addVm(0, undefined);
  await w.addVm(1, undefined);
  const v1 = w.live[1]!;
  console.log("queues", w.live.map((l) => l.vm.port.queue));
  w.vmLoad(v1, 150000, 3000_000_000, { ip: 4, l4: "udp", frameBytes: 1200 });
  await w.advance(500_000_000);
  console.log("pending", v1.vm.port.pendingSends, w.bed.adapter.queueInfo(0)?.txPendingSends);
  await w.removeVm(w.live[0]!);
  console.log("queues", w.live.map((l) => l.vm.port.queue), "pending", v1.vm.port.pendingSends, w.bed.adapter.queueInfo(0)?.txPendingSends);
  await w.advance(2000_000_000);
  try { w.check(); } catch (e) { console.log(String(e).slice(0, 300)); }
});
