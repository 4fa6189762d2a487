import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BusyWindows } from "../../src/host/busy-windows.js";

// Brute force: mark every busy tick in an array, then count per window.
describe("BusyWindows", () => {
  it("matches a tick-by-tick count for any busy periods, window width and ring size", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 120 })), {
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 200 }),
        (width, count, origin, gapsAndLengths, extra) => {
          const w = new BusyWindows(width, count, origin);
          const busy: boolean[] = [];
          let t = origin;
          let now = origin;
          for (const [gap, length] of gapsAndLengths) {
            const start = t + gap;
            w.open(start, start + length);
            for (let i = start; i < start + length; i++) busy[i] = true;
            t = start + length;
            now = t;
            w.close();
          }
          // One more period still in progress at the query.
          const start = t + 3;
          const end = start + 2 * width + 5;
          w.open(start, end);
          for (let i = start; i < end; i++) busy[i] = true;
          now = start + Math.min(extra, end - start + 50);
          const busyIn = (a: number, b: number) => {
            let n = 0;
            for (let i = a; i < b && i < now; i++) if (busy[i]) n++;
            return n;
          };
          expect(w.busyTicksUntil(now)).toBe(busyIn(origin, now));
          const current = Math.floor(now / width);
          const first = Math.max(Math.floor(origin / width), current - count);
          const expected = [];
          for (let k = first; k < current; k++) {
            const a = k * width;
            const b = a + width;
            const busyTicks = busyIn(a, b);
            expected.push({
              startTicks: a,
              endTicks: b,
              busyTicks,
              utilization: busyTicks / (b - Math.max(a, origin)),
            });
          }
          expect(w.windows(now)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
