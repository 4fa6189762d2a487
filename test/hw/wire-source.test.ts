import { describe, expect, it } from "vitest";
import { WireLane } from "../../src/hw/mac/wire-lane.js";
import { Scheduler } from "../../src/kernel/scheduler.js";

// 10 Gb/s: 100 ps a bit. A 60-byte frame (without FCS) keeps the line busy for
// 60 + 4 FCS + 8 preamble/SFD + 12 gap = 84 bytes = 67_200 ps and has fully arrived
// 12 bytes (9_600 ps) before the line is free again.
const SPEED_MBPS = 10_000;
const FRAME_TICKS = 67_200;
const GAP_TICKS = 9_600;

interface Arrival {
  at: number;
  first: number;
  length: number;
}

function lane(scheduler: Scheduler): { lane: WireLane; arrivals: Arrival[] } {
  const l = new WireLane(scheduler, "test", SPEED_MBPS, 64 * 1024, 1024);
  const arrivals: Arrival[] = [];
  l.addConsumer((bytes, offset, length, _flags, at) =>
    arrivals.push({ at, first: bytes[offset]!, length }),
  );
  return { lane: l, arrivals };
}

/** A source of `count` 60-byte frames numbered from 0, reusing one array. */
function countingSource(count: number) {
  const frame = new Uint8Array(60);
  let made = 0;
  return {
    get made() {
      return made;
    },
    pull(): Uint8Array | null {
      if (made === count) return null;
      frame[0] = made++;
      return frame;
    },
  };
}

describe("a wire lane's pull source", () => {
  it("sends the source's frames back to back at line rate", () => {
    const scheduler = new Scheduler();
    const { lane: l, arrivals } = lane(scheduler);
    l.setSource(countingSource(5));
    scheduler.runUntil(10 * FRAME_TICKS);
    expect(arrivals.map((a) => a.first)).toEqual([0, 1, 2, 3, 4]);
    expect(arrivals.map((a) => a.at)).toEqual(
      [1, 2, 3, 4, 5].map((n) => n * FRAME_TICKS - GAP_TICKS),
    );
    expect(l.framesSent).toBe(5);
    expect(l.framesQueued).toBe(0);
  });

  it("pulls the next frame only after the last one has arrived (the source may reuse its array)", () => {
    const scheduler = new Scheduler();
    const { lane: l } = lane(scheduler);
    const source = countingSource(100);
    l.setSource(source);
    expect(source.made).toBe(1);
    scheduler.runUntil(FRAME_TICKS - GAP_TICKS - 1);
    expect(source.made).toBe(1);
    scheduler.runUntil(FRAME_TICKS - GAP_TICKS);
    expect(source.made).toBe(2);
  });

  it("sends injected frames first, after the frame on the line", () => {
    const scheduler = new Scheduler();
    const { lane: l, arrivals } = lane(scheduler);
    l.setSource(countingSource(3));
    const injected = new Uint8Array(60).fill(0xee);
    expect(l.enqueue(injected, 0, 60, 0)).toBe(true);
    expect(l.enqueue(injected, 0, 60, 0)).toBe(true);
    expect(l.framesQueued).toBe(3);
    scheduler.runUntil(10 * FRAME_TICKS);
    expect(arrivals.map((a) => a.first)).toEqual([0, 0xee, 0xee, 1, 2]);
    expect(arrivals.map((a) => a.at)).toEqual(
      [1, 2, 3, 4, 5].map((n) => n * FRAME_TICKS - GAP_TICKS),
    );
  });

  it("goes idle when the source has nothing and starts again on resume", () => {
    const scheduler = new Scheduler();
    const { lane: l, arrivals } = lane(scheduler);
    let ready = false;
    const frame = new Uint8Array(60);
    l.setSource({
      pull() {
        if (!ready) return null;
        ready = false;
        return frame;
      },
    });
    scheduler.runUntil(1_000_000);
    expect(arrivals).toEqual([]);
    ready = true;
    l.resume();
    scheduler.runUntil(2_000_000);
    expect(arrivals.map((a) => a.at)).toEqual([1_000_000 + FRAME_TICKS - GAP_TICKS]);
  });

  it("stops pulling when the source is removed", () => {
    const scheduler = new Scheduler();
    const { lane: l, arrivals } = lane(scheduler);
    l.setSource(countingSource(100));
    scheduler.runUntil(2 * FRAME_TICKS);
    l.setSource(null);
    scheduler.runUntil(10 * FRAME_TICKS);
    // The frame on the line when the source went away still arrives.
    expect(arrivals.length).toBe(3);
  });
});
