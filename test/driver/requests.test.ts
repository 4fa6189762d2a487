import { match } from "ts-pattern";
import { describe, expect, it } from "vitest";
import type {
  DriverError,
  DriverRequest,
  RequestOutcome,
  RequestResults,
} from "../../src/driver/requests.js";
import { DEFAULT_RSS_KEY, RSS_HASH } from "../../src/driver/rss.js";
import { fillChecksums, HOST_MAC, seqFrame, seqOf, tcpFrame } from "./frames.js";
import { DriverRig } from "./rig.js";

const VM_MAC = [0x02, 0x15, 0x5d, 0, 0, 0x01];
const VM2_MAC = [0x02, 0x15, 0x5d, 0, 0, 0x02];

/** One line per error kind: the match must name every kind or it does not compile. */
function describeError(e: DriverError): string {
  return match(e)
    .with({ kind: "not-running" }, () => "not running")
    .with({ kind: "no-free-queue" }, () => "no queue")
    .with({ kind: "no-free-filter" }, () => "no filter")
    .with({ kind: "no-free-vector" }, (x) => `no vector for ${x.processor}`)
    .with({ kind: "unknown-queue" }, (x) => `unknown queue ${x.queue}`)
    .with({ kind: "default-queue-cannot-be-freed" }, () => "queue 0")
    .with({ kind: "rss-queue-cannot-be-freed" }, (x) => `rss queue ${x.queue}`)
    .with({ kind: "queue-busy" }, (x) => `busy ${x.queue}`)
    .with({ kind: "bad-mac" }, () => "bad mac")
    .with({ kind: "filter-in-use" }, (x) => `filter of ${x.queue}`)
    .with({ kind: "vlan-out-of-range" }, (x) => `vlan ${x.vlan}`)
    .with({ kind: "processor-out-of-range" }, (x) => `processor ${x.processor}`)
    .with({ kind: "processor-not-in-rss-set" }, (x) => `not rss ${x.processor}`)
    .with({ kind: "bad-rss-key" }, () => "key")
    .with({ kind: "bad-hash-types" }, () => "hash types")
    .with({ kind: "bad-indirection-table" }, () => "table")
    .with({ kind: "vector-out-of-range" }, (x) => `vector ${x.vector}`)
    .with({ kind: "moderation-out-of-range" }, (x) => `interval ${x.intervalUs}`)
    .with({ kind: "timeout" }, () => "timeout")
    .exhaustive();
}

/** Unwraps a successful outcome (the type of `value` follows the request's kind). */
function value<K extends keyof RequestResults>(o: RequestOutcome<K>): RequestResults[K] {
  if (!o.ok) throw new Error(`request failed: ${o.error.kind}: ${o.error.message}`);
  return o.value;
}

function errorOf<K extends keyof RequestResults>(o: RequestOutcome<K>): string {
  if (o.ok) throw new Error("request succeeded");
  expect(o.error.message.length).toBeGreaterThan(0);
  return describeError(o.error);
}

async function started(processors = 4, rssQueues = 1) {
  const rig = new DriverRig({ processors, adapter: { rssQueues } });
  await rig.start();
  const ask = <R extends DriverRequest>(r: R) => rig.settle(rig.adapter.request(r));
  return { rig, ask };
}

describe("requests", () => {
  it("answers query-capabilities with the device's and driver's limits", async () => {
    const { ask } = await started();
    const caps = value(await ask({ kind: "query-capabilities" }));
    expect(caps).toMatchObject({
      queues: 8,
      vectors: 8,
      processors: 4,
      rssQueues: 1,
      freeVmqQueues: 7,
      filters: 8,
      rxBufferBytes: 2048,
      rssKeyBytes: 40,
      indirectionEntries: 128,
      moderationUnitUs: 2.048,
      miscVector: 7,
    });
    // Type-level: the result type follows the request kind.
    const typed: number = caps.maxLsoPayloadBytes;
    expect(typed).toBe(262_143);
  });

  it("allocates a VMQ queue on its processor: the filter steers the MAC there", async () => {
    const { rig, ask } = await started();
    const a = value(await ask({ kind: "allocate-queue", mac: VM_MAC, processor: 2 }));
    expect(a).toEqual({ queue: 1, processor: 2, vector: 1, filter: 0 });
    const b = value(await ask({ kind: "allocate-queue", mac: VM2_MAC, vlan: 42, processor: 2 }));
    expect(b).toEqual({ queue: 2, processor: 2, vector: 1, filter: 1 });
    rig.inject(seqFrame(VM_MAC, 1, 100));
    rig.inject(seqFrame(HOST_MAC, 2, 100));
    rig.inject(seqFrame(VM2_MAC, 3, 100)); // untagged: not VM2's filter, so the default queue
    rig.drain();
    expect(rig.received.map((r) => [seqOf(r.bytes), r.queue, r.processor, r.filterIndex])).toEqual([
      [1, 1, 2, 0],
      [2, 0, 0, -1],
      [3, 0, 0, -1],
    ]);
  });

  it("refuses invalid requests with typed errors", async () => {
    const { ask } = await started();
    const alloc = (mac: number[], processor = 1, vlan?: number) =>
      ask(
        vlan === undefined
          ? { kind: "allocate-queue", mac, processor }
          : { kind: "allocate-queue", mac, processor, vlan },
      );
    expect(errorOf(await alloc([1, 2, 3]))).toBe("bad mac");
    expect(errorOf(await alloc([0x01, 0, 0x5e, 0, 0, 1]))).toBe("bad mac"); // multicast
    expect(errorOf(await alloc([0, 0, 0, 0, 0, 0]))).toBe("bad mac");
    expect(errorOf(await alloc([2, 0, 0, 0, 0, 300]))).toBe("bad mac");
    expect(errorOf(await alloc(VM_MAC, 1, 0))).toBe("vlan 0");
    expect(errorOf(await alloc(VM_MAC, 1, 4095))).toBe("vlan 4095");
    expect(errorOf(await alloc(VM_MAC, 4))).toBe("processor 4");
    expect(errorOf(await alloc(VM_MAC, -1))).toBe("processor -1");
    expect(errorOf(await ask({ kind: "free-queue", queue: 0 }))).toBe("queue 0");
    expect(errorOf(await ask({ kind: "free-queue", queue: 5 }))).toBe("unknown queue 5");
    expect(errorOf(await ask({ kind: "free-queue", queue: 99 }))).toBe("unknown queue 99");
    expect(errorOf(await ask({ kind: "set-queue-processor", queue: 3, processor: 1 }))).toBe(
      "unknown queue 3",
    );
    expect(errorOf(await ask({ kind: "set-queue-processor", queue: 0, processor: 9 }))).toBe(
      "processor 9",
    );
    expect(errorOf(await ask({ kind: "set-moderation", vector: 6, intervalUs: 10 }))).toBe(
      "vector 6",
    );
    expect(errorOf(await ask({ kind: "set-moderation", queue: 0, intervalUs: 5000 }))).toBe(
      "interval 5000",
    );
    expect(errorOf(await ask({ kind: "set-rss", key: [1, 2, 3] }))).toBe("key");
    expect(errorOf(await ask({ kind: "set-rss", hashTypes: 0x1 }))).toBe("hash types");
    expect(errorOf(await ask({ kind: "set-rss", indirection: [0, 0, 0] }))).toBe("table");
    expect(errorOf(await ask({ kind: "set-rss", indirection: [0, 1] }))).toBe("not rss 1");
    // The same MAC may not steer to two queues.
    value(await alloc(VM_MAC, 1));
    expect(errorOf(await alloc(VM_MAC, 2))).toBe("filter of 1");
  });

  it("runs out of queues, then of vectors, with the right errors", async () => {
    const { ask } = await started(8);
    // Queues 1..7: processors 0..6 need vectors 0..6 (7 is the misc vector): all fit.
    for (let i = 1; i < 7; i++) {
      const mac = [0x02, 0, 0, 0, 1, i];
      value(await ask({ kind: "allocate-queue", mac, processor: i }));
    }
    // Processor 7 would need an eighth queue vector: none is left.
    expect(
      errorOf(await ask({ kind: "allocate-queue", mac: [2, 0, 0, 0, 2, 1], processor: 7 })),
    ).toBe("no vector for 7");
    value(await ask({ kind: "allocate-queue", mac: [2, 0, 0, 0, 2, 2], processor: 3 }));
    expect(
      errorOf(await ask({ kind: "allocate-queue", mac: [2, 0, 0, 0, 2, 3], processor: 3 })),
    ).toBe("no queue");
  });

  it("frees a queue: its frames go to the default queue, its memory back to the host", async () => {
    const { rig, ask } = await started();
    const memoryBefore = rig.memory.mappedBytes;
    const { queue } = value(await ask({ kind: "allocate-queue", mac: VM_MAC, processor: 3 }));
    rig.inject(seqFrame(VM_MAC, 1, 200));
    rig.adapter.send(queue, [{ bytes: seqFrame(HOST_MAC, 2, 200) }]);
    rig.drain();
    expect(value(await ask({ kind: "free-queue", queue }))).toEqual({ queue });
    expect(rig.adapter.queueInfo(queue)).toBeUndefined();
    expect(rig.memory.mappedBytes).toBe(memoryBefore);
    rig.inject(seqFrame(VM_MAC, 3, 200));
    rig.drain();
    expect(rig.received.map((r) => [seqOf(r.bytes), r.queue, r.processor])).toEqual([
      [1, queue, 3],
      [3, 0, 0],
    ]);
    expect(rig.completions.map((c) => [c.queue, c.status])).toEqual([[queue, "sent"]]);
    expect(() => rig.adapter.send(queue, [{ bytes: seqFrame(HOST_MAC, 4, 64) }])).toThrow(
      RangeError,
    );
    // The queue can be allocated again.
    expect(value(await ask({ kind: "allocate-queue", mac: VM2_MAC, processor: 1 })).queue).toBe(
      queue,
    );
  });

  it("frees a queue while frames keep arriving for it: each is indicated at most once, or counted as dropped", async () => {
    const { rig, ask } = await started();
    const { queue } = value(await ask({ kind: "allocate-queue", mac: VM_MAC, processor: 1 }));
    for (let seq = 0; seq < 400; seq++) rig.inject(seqFrame(VM_MAC, seq, 300));
    rig.run(50_000_000);
    const freed = rig.adapter.request({ kind: "free-queue", queue });
    value(await rig.settle(freed));
    rig.drain();
    // Frames before the free on the VM queue, later ones on the default queue (the filter
    // goes first). Frames the NIC had already steered to the queue and not yet written
    // when its DMA stopped are dropped, as NDIS's "stop DMA at once" implies, and counted.
    const seqs = rig.received.map((r) => seqOf(r.bytes));
    const dropped = rig.nic.regs.peek32(rig.nic.regs.map.offsetOf("QPRDC", queue));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.length + dropped).toBe(400);
    expect(rig.received.filter((r) => r.queue === 0).length).toBeGreaterThan(0);
    const onVm = rig.received.filter((r) => r.queue === queue).map((r) => seqOf(r.bytes));
    expect(onVm).toEqual([...onVm].sort((x, y) => x - y));
  });

  it("sets a queue's filter, replacing the old one", async () => {
    const { rig, ask } = await started();
    const { queue, filter } = value(
      await ask({ kind: "allocate-queue", mac: VM_MAC, processor: 1 }),
    );
    expect(value(await ask({ kind: "set-filter", queue, mac: VM2_MAC, vlan: 7 }))).toEqual({
      queue,
      filter,
    });
    const tagged = seqFrame(VM2_MAC, 9, 100);
    tagged.copyWithin(16, 12, 96);
    tagged.set([0x81, 0x00, 0x00, 0x07], 12);
    rig.inject(seqFrame(VM_MAC, 8, 100));
    rig.inject(tagged);
    rig.drain();
    expect(rig.received.map((r) => [r.queue, r.vlanTci])).toEqual([
      [0, -1],
      [queue, 7],
    ]);
  });

  it("sets moderation per queue (its vector) or per vector", async () => {
    const { rig, ask } = await started();
    const peekEitr = (v: number) => rig.nic.regs.peek32(rig.nic.regs.map.offsetOf("EITR", v));
    expect(value(await ask({ kind: "set-moderation", queue: 0, intervalUs: 50 }))).toEqual({
      vector: 0,
      intervalUs: 24 * 2.048,
      units: 24,
    });
    expect(peekEitr(0) & 0xff8).toBe(24 << 3);
    expect(value(await ask({ kind: "set-moderation", vector: 0, intervalUs: 0 })).units).toBe(0);
    expect(peekEitr(0) & 0xff8).toBe(0);
  });

  it("sets RSS: key, hash types, an indirection table of processors", async () => {
    const { rig, ask } = await started(4, 4);
    const result = value(
      await ask({
        kind: "set-rss",
        key: [...DEFAULT_RSS_KEY],
        hashTypes: RSS_HASH.IPV4 | RSS_HASH.TCP_IPV4 | RSS_HASH.UDP_IPV4,
        indirection: [0, 1, 2, 3, 3, 2, 1, 0],
      }),
    );
    expect(result.enabled).toBe(true);
    expect(result.processors).toEqual([0, 1, 2, 3]);
    expect(result.reta.slice(0, 16)).toEqual([0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0]);
    const mrqc = rig.nic.regs.peek32(rig.nic.regs.map.offsetOf("MRQC"));
    expect(mrqc).toBe(1 | (1 << 16) | (1 << 17) | (1 << 22));
    // Moving the RSS base moves the RSS queues (through the same handover as a retarget).
    const moved = value(await ask({ kind: "set-rss", baseProcessor: 2 }));
    expect(moved.processors).toEqual([2, 3, 0, 1]);
    expect([0, 1, 2, 3].map((q) => rig.adapter.queueInfo(q)!.owner)).toEqual([2, 3, 0, 1]);
    // hashTypes 0 turns RSS off.
    expect(value(await ask({ kind: "set-rss", hashTypes: 0 })).enabled).toBe(false);
  });

  it("spreads flows over the RSS queues, each indicated on its processor", async () => {
    const { rig, ask } = await started(4, 4);
    value(
      await ask({
        kind: "set-rss",
        hashTypes: RSS_HASH.IPV4 | RSS_HASH.TCP_IPV4,
        indirection: [0, 1, 2, 3],
      }),
    );
    for (let flow = 0; flow < 64; flow++) {
      const f = fillChecksums(tcpFrame(HOST_MAC, new Uint8Array(20), flow));
      f[34] = flow; // source port: a different 4-tuple per flow
      rig.inject(fillChecksums(f));
    }
    rig.drain();
    expect(rig.received.length).toBe(64);
    expect(new Set(rig.received.map((r) => r.queue))).toEqual(new Set([0, 1, 2, 3]));
    for (const r of rig.received) {
      expect(r.processor).toBe(r.queue);
      expect(r.rssType).toBe(1); // TCP/IPv4
      expect(r.rssHash & 3).toBe(r.queue); // the table's 4 entries, by the hash's low bits
    }
  });

  it("leaves a moved RSS queue where it is when set-rss does not change the base", async () => {
    const { rig, ask } = await started(4, 2);
    value(await ask({ kind: "set-queue-processor", queue: 1, processor: 3 }));
    const r = value(await ask({ kind: "set-rss", hashTypes: RSS_HASH.IPV4, indirection: [0, 3] }));
    expect(r.processors).toEqual([0, 3]);
    expect(r.reta.slice(0, 4)).toEqual([0, 1, 0, 1]);
    expect(rig.adapter.queueInfo(1)!.owner).toBe(3);
    expect(errorOf(await ask({ kind: "set-rss", indirection: [0, 1] }))).toBe("not rss 1");
  });

  it("counts in query-statistics, reading each clear-on-read counter once", async () => {
    const { rig, ask } = await started();
    for (let seq = 0; seq < 10; seq++) rig.inject(seqFrame(HOST_MAC, seq, 100));
    rig.drain();
    const first = value(await ask({ kind: "query-statistics" }));
    const second = value(await ask({ kind: "query-statistics" }));
    for (const s of [first, second]) {
      expect(s.device).toMatchObject({ framesReceived: 10, bytesReceived: 1000 });
      expect(s.queues).toEqual([
        expect.objectContaining({
          queue: 0,
          framesReceived: 10,
          bytesReceived: 1000,
          processor: 0,
        }),
      ]);
    }
    expect(first.vectors[0]!.messages).toBeGreaterThan(0);
    expect(first.driver.framesIndicated).toBe(10);
  });

  it("answers every request kind not-running before initialize", async () => {
    const rig = new DriverRig();
    const kinds: DriverRequest[] = [
      { kind: "query-capabilities" },
      { kind: "allocate-queue", mac: VM_MAC, processor: 0 },
      { kind: "free-queue", queue: 1 },
      { kind: "set-filter", queue: 0, mac: VM_MAC },
      { kind: "set-queue-processor", queue: 0, processor: 1 },
      { kind: "set-rss" },
      { kind: "set-moderation", vector: 0, intervalUs: 1 },
      { kind: "query-statistics" },
    ];
    for (const r of kinds) expect(errorOf(await rig.adapter.request(r))).toBe("not running");
  });
});

// Type-level checks (verified by `tsc`, which includes the tests).
function typeChecks(adapter: DriverRig["adapter"]): void {
  // @ts-expect-error: allocate-queue needs a processor.
  void adapter.request({ kind: "allocate-queue", mac: VM_MAC });
  // @ts-expect-error: not a request kind.
  void adapter.request({ kind: "reset-everything" });
  void adapter.request({ kind: "set-moderation", queue: 1, intervalUs: 5 }).then((o) => {
    // The result type follows the kind: set-moderation answers with a vector.
    if (o.ok) {
      const v: number = o.value.vector;
      void v;
    }
  });
  // A match on error kinds that forgets one does not compile.
  const partial = (e: DriverError) => {
    const onlyTimeouts = match(e).with({ kind: "timeout" }, () => 1);
    // @ts-expect-error: non-exhaustive (only one kind handled).
    return onlyTimeouts.exhaustive();
  };
  void partial;
}
void typeChecks;
