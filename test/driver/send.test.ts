import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SendRequest } from "../../src/driver/send-request.js";
import {
  bytesEqual,
  ipv4ChecksumOk,
  l4ChecksumOk,
  PEER_MAC,
  seqFrame,
  seqOf,
  tcpFrame,
  udpFrame,
} from "./frames.js";
import { DriverRig } from "./rig.js";

/** Sends every request on queue q, retrying the refused rest as completions make room. */
function sendAll(rig: DriverRig, q: number, requests: readonly SendRequest[]): number {
  let next = 0;
  let rounds = 0;
  while (next < requests.length) {
    next += rig.adapter.send(q, requests.slice(next));
    rig.run(5_000_000);
    if (++rounds > 100_000) throw new Error("send never made progress");
  }
  return rounds;
}

/** The TCP payload of an IPv4 segment on the wire. */
function tcpPayload(s: Uint8Array): Uint8Array {
  const total = (s[16]! << 8) | s[17]!;
  const dataOffset = (s[46]! >>> 4) * 4;
  return s.subarray(34 + dataOffset, 14 + total);
}

describe("send path", () => {
  it("puts plain frames on the wire, in order, byte for byte, and completes them", async () => {
    const rig = new DriverRig();
    await rig.start();
    const frames = Array.from({ length: 500 }, (_, i) =>
      seqFrame(PEER_MAC, i, 60 + ((i * 131) % 1455)),
    );
    sendAll(
      rig,
      0,
      frames.map((bytes) => ({ bytes })),
    );
    rig.drain();
    expect(rig.wire.length).toBe(500);
    expect(rig.wire.every((f, i) => bytesEqual(f, frames[i]!))).toBe(true);
    expect(rig.completions.every((c) => c.status === "sent" && c.queue === 0)).toBe(true);
    expect(rig.completions.length).toBe(500);
    const info = rig.adapter.queueInfo(0)!;
    expect(info).toMatchObject({ txPendingSends: 0, txFreeDescriptors: 255, txArenaUsedBytes: 0 });
  });

  it("pads nothing it should not and pads short frames to 60 bytes", async () => {
    const rig = new DriverRig();
    await rig.start();
    const short = seqFrame(PEER_MAC, 1, 60).subarray(0, 42);
    expect(rig.adapter.send(0, [{ bytes: short }])).toBe(1);
    rig.drain();
    expect(rig.wire[0]!.length).toBe(60);
    expect(bytesEqual(rig.wire[0]!.subarray(0, 42), short)).toBe(true);
  });

  it("inserts IPv4 and TCP/UDP checksums on request", async () => {
    const rig = new DriverRig();
    await rig.start();
    const tcp = tcpFrame(PEER_MAC, new Uint8Array(333).fill(9), 1000);
    const udp = udpFrame(PEER_MAC, new Uint8Array(77).fill(3));
    const plain = tcpFrame(PEER_MAC, new Uint8Array(10), 5);
    rig.adapter.send(0, [
      { bytes: tcp, offload: { ipv4Checksum: true, l4Checksum: true } },
      { bytes: udp, offload: { ipv4Checksum: true, l4Checksum: true } },
      { bytes: tcp, offload: { l4Checksum: true } },
      { bytes: plain },
    ]);
    rig.drain();
    const [t, u, tOnly, p] = rig.wire;
    expect([ipv4ChecksumOk(t!), l4ChecksumOk(t!)]).toEqual([true, true]);
    expect([ipv4ChecksumOk(u!), l4ChecksumOk(u!)]).toEqual([true, true]);
    expect([ipv4ChecksumOk(tOnly!), l4ChecksumOk(tOnly!)]).toEqual([false, true]);
    expect([ipv4ChecksumOk(p!), l4ChecksumOk(p!)]).toEqual([false, false]);
    expect(rig.completions.map((c) => c.status)).toEqual(["sent", "sent", "sent", "sent"]);
  });

  it("segments large sends (LSO), buffers above 64 KiB over several descriptors", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 536, max: 8960 }),
        fc.nat(),
        async (payloadBytes, mss, seq) => {
          const rig = new DriverRig();
          await rig.start();
          const payload = new Uint8Array(payloadBytes);
          for (let i = 0; i < payloadBytes; i++) payload[i] = (i * 31 + 7) & 0xff;
          const frame = tcpFrame(PEER_MAC, payload, seq >>> 0, 0x19);
          const descsBefore = rig.adapter.queueInfo(0)!.txFreeDescriptors;
          expect(rig.adapter.send(0, [{ bytes: frame, offload: { lsoMss: mss } }])).toBe(1);
          // A context descriptor and one data descriptor per 64 KiB - 1.
          const expected = 1 + Math.ceil(frame.length / 65535);
          expect(descsBefore - rig.adapter.queueInfo(0)!.txFreeDescriptors).toBe(expected);
          rig.drain();
          expect(rig.wire.length).toBe(Math.ceil(payloadBytes / mss));
          const joined = Buffer.concat(rig.wire.map(tcpPayload));
          expect(bytesEqual(joined, payload)).toBe(true);
          for (const s of rig.wire) {
            expect(ipv4ChecksumOk(s) && l4ChecksumOk(s)).toBe(true);
            expect(tcpPayload(s).length).toBeLessThanOrEqual(mss);
          }
          expect(rig.completions.map((c) => c.status)).toEqual(["sent"]);
          expect(rig.adapter.queueInfo(0)).toMatchObject({
            txArenaUsedBytes: 0,
            txPendingSends: 0,
          });
        },
      ),
      { numRuns: 8 },
    );
  });

  it("reuses a context slot: a second checksum send with the same headers needs no context", async () => {
    const rig = new DriverRig();
    await rig.start();
    const frame = tcpFrame(PEER_MAC, new Uint8Array(100), 1);
    const offload = { ipv4Checksum: true, l4Checksum: true };
    const free = () => rig.adapter.queueInfo(0)!.txFreeDescriptors;
    const before = free();
    rig.adapter.send(0, [{ bytes: frame, offload }]);
    expect(before - free()).toBe(2);
    rig.adapter.send(0, [{ bytes: frame, offload }]);
    expect(before - free()).toBe(3);
    rig.drain();
    expect(rig.wire.every((s) => ipv4ChecksumOk(s) && l4ChecksumOk(s))).toBe(true);
  });

  it("applies back-pressure: accepts what fits, and the rest after completions", async () => {
    const rig = new DriverRig({ adapter: { txRingSize: 16 } });
    await rig.start();
    const frames = Array.from({ length: 100 }, (_, i) => ({ bytes: seqFrame(PEER_MAC, i, 1000) }));
    // One slot stays empty: 15 descriptors, one frame each.
    expect(rig.adapter.send(0, frames)).toBe(15);
    expect(rig.adapter.send(0, frames.slice(15))).toBe(0);
    const rounds = sendAll(rig, 0, frames.slice(15));
    expect(rounds).toBeGreaterThan(1);
    rig.drain();
    expect(rig.wire.map(seqOf)).toEqual([...Array(100).keys()]);
    expect(rig.completions.length).toBe(100);
    const stats = await rig.settle(rig.adapter.request({ kind: "query-statistics" }));
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.device.framesSent).toBe(100);
    expect(stats.value.driver.sendsAccepted).toBe(100);
    expect(stats.value.driver.sendsRefused).toBeGreaterThan(0);
  });

  it("back-pressures on the copy area too, and never leaks it", async () => {
    const rig = new DriverRig({ adapter: { txArenaBytes: 64 * 1024, txRingSize: 256 } });
    await rig.start();
    const frames = Array.from({ length: 200 }, (_, i) => ({ bytes: seqFrame(PEER_MAC, i, 1500) }));
    expect(rig.adapter.send(0, frames)).toBe(Math.floor((64 * 1024) / 1500));
    sendAll(rig, 0, frames.slice(Math.floor((64 * 1024) / 1500)));
    rig.drain();
    expect(rig.wire.map(seqOf)).toEqual([...Array(200).keys()]);
    expect(rig.adapter.queueInfo(0)).toMatchObject({ txArenaUsedBytes: 0, txFreeDescriptors: 255 });
  });

  it("completes requests it cannot map as invalid, in order, and those the device refuses", async () => {
    const rig = new DriverRig();
    await rig.start();
    const udp = udpFrame(PEER_MAC, new Uint8Array(3000));
    const tcp = tcpFrame(PEER_MAC, new Uint8Array(3000), 1);
    const accepted = rig.adapter.send(0, [
      { bytes: seqFrame(PEER_MAC, 1, 100) },
      { bytes: udp, offload: { lsoMss: 1000 } }, // LSO needs TCP
      { bytes: new Uint8Array(0) },
      { bytes: seqFrame(PEER_MAC, 2, 100), offload: { l4Checksum: true } }, // not IP
      { bytes: new Uint8Array(20_000) }, // over 16 KiB without LSO
      { bytes: tcp, offload: { lsoMss: 10 } }, // the device's smallest MSS is 64
      { bytes: seqFrame(PEER_MAC, 3, 100) },
    ]);
    expect(accepted).toBe(7);
    rig.drain();
    expect(rig.completions.map((c) => c.status)).toEqual([
      "sent",
      "invalid",
      "invalid",
      "invalid",
      "invalid",
      "refused-by-device",
      "sent",
    ]);
    expect(rig.wire.map(seqOf)).toEqual([1, 3]);
  });

  it("completes a lone invalid request without any traffic to trigger an interrupt", async () => {
    const rig = new DriverRig();
    await rig.start();
    expect(rig.adapter.send(0, [{ bytes: new Uint8Array(0) }])).toBe(1);
    rig.run(100_000_000);
    expect(rig.completions.map((c) => c.status)).toEqual(["invalid"]);
  });

  it("charges the host per frame sent and per byte copied", async () => {
    const rig = new DriverRig();
    await rig.start();
    rig.host.charged.clear();
    // Sends charge the routine they run in: here a DPC of processor 0 (the host's test hook).
    rig.host.queueDpc(0, () => {
      rig.adapter.send(0, [{ bytes: seqFrame(PEER_MAC, 1, 1000) }]);
    });
    rig.drain();
    expect(rig.host.charged.get("copy")).toBe(500);
    expect(rig.host.charged.get("tx")).toBe(800 * 2); // the send, then its completion
  });
});
