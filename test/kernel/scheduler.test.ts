import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClockDomain } from "../../src/kernel/clock-domain.js";
import { Rng } from "../../src/kernel/rng.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import type { Timer } from "../../src/kernel/timer.js";

/** One firing: the tick it fired at and the timer's name. */
type Fire = [tick: number, name: string];

/** A stable sort by tick: the oracle for "(tick, scheduling order)" ordering. */
function byTickStable<T extends { tick: number }>(entries: readonly T[]): T[] {
  // Array.prototype.sort is stable (ES2019), so equal ticks keep their input order.
  return [...entries].sort((a, b) => a.tick - b.tick);
}

/** Ticks biased towards collisions (many timers at the same tick). */
const tickDelta = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 20 }),
  fc.constantFrom(0, 5, 1000, 1001),
  fc.integer({ min: 0, max: 1_000_000 }),
);

describe("Scheduler ordering", () => {
  it("fires timers in (tick, scheduling order) order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.tuple(tickDelta, fc.constantFrom("at", "after", "scheduleAt", "scheduleIn")), {
          maxLength: 200,
        }),
        fc.option(fc.integer({ min: 0, max: 1_100_000 }), { nil: undefined }),
        (start, plan, targetDelta) => {
          const sched = new Scheduler();
          sched.runUntil(start);
          const trace: Fire[] = [];
          const planned: { tick: number; name: string }[] = [];
          plan.forEach(([delta, how], i) => {
            const name = `e${i}`;
            const action = (now: number) => trace.push([now, name]);
            const tick = start + delta;
            if (how === "at") sched.at(tick, name, action);
            else if (how === "after") sched.after(delta, name, action);
            else if (how === "scheduleAt") sched.timer(name, action).scheduleAt(tick);
            else sched.timer(name, action).scheduleIn(delta);
            planned.push({ tick, name });
          });
          expect(sched.pendingCount).toBe(plan.length);
          const target = start + (targetDelta ?? 1_000_000);
          const fired = sched.runUntil(target);

          const expected = byTickStable(planned)
            .filter((e) => e.tick <= target)
            .map((e): Fire => [e.tick, e.name]);
          expect(trace).toEqual(expected);
          expect(fired).toBe(expected.length);
          expect(sched.firedCount).toBe(expected.length);
          expect(sched.nowTicks).toBe(target);
          expect(sched.pendingCount).toBe(plan.length - expected.length);
          const later = planned.filter((e) => e.tick > target).map((e) => e.tick);
          expect(sched.nextEventTicks()).toBe(later.length ? Math.min(...later) : undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("cancelled timers never fire; a rescheduled timer fires once, at its new time and order", () => {
    type Op = { timer: number; tick: number | null }; // null: cancel
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(
          fc.record({
            timer: fc.nat(11),
            tick: fc.option(fc.oneof(fc.integer({ min: 0, max: 10 }), fc.nat(10_000)), {
              nil: null,
              freq: 4,
            }),
          }),
          { maxLength: 100 },
        ),
        (count, rawOps) => {
          const ops: Op[] = rawOps.map((op) => ({ ...op, timer: op.timer % count }));
          const sched = new Scheduler();
          const trace: Fire[] = [];
          const timers = Array.from({ length: count }, (_, i) =>
            sched.timer(`t${i}`, (now) => trace.push([now, `t${i}`])),
          );
          for (const op of ops) {
            const timer = timers[op.timer]!;
            if (op.tick === null) timer.cancel();
            else timer.scheduleAt(op.tick);
          }
          // Oracle: each timer's last operation decides; its position in the op list is its order.
          const last = new Map<number, { tick: number | null; order: number }>();
          ops.forEach((op, order) => {
            last.set(op.timer, { tick: op.tick, order });
          });
          const survivors: { tick: number; order: number; name: string }[] = [];
          for (const [timer, { tick, order }] of last) {
            if (tick !== null) survivors.push({ tick, order, name: `t${timer}` });
          }
          survivors.sort((a, b) => a.order - b.order);
          const expected = byTickStable(survivors).map((e): Fire => [e.tick, e.name]);

          expect(sched.pendingCount).toBe(survivors.length);
          timers.forEach((timer, i) => {
            const s = survivors.find((e) => e.name === `t${i}`);
            expect(timer.pending).toBe(s !== undefined);
            if (s) expect(timer.atTicks).toBe(s.tick);
          });
          sched.runUntil(20_000);
          expect(trace).toEqual(expected);
          expect(sched.pendingCount).toBe(0);
          for (const timer of timers) expect(timer.pending).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a timer rescheduled to the same tick moves behind the timers scheduled since", () => {
    const sched = new Scheduler();
    const trace: string[] = [];
    const a = sched.timer("a", () => trace.push("a"));
    const b = sched.timer("b", () => trace.push("b"));
    const c = sched.timer("c", () => trace.push("c"));
    a.scheduleAt(10);
    b.scheduleAt(10);
    c.scheduleAt(10);
    a.scheduleAt(10); // same tick, new order
    c.cancel();
    c.cancel(); // harmless twice
    sched.runUntil(10);
    expect(trace).toEqual(["b", "a"]);
    expect(sched.nowTicks).toBe(10);
  });
});

// ---------------------------------------------------------------------------------------------
// Chains: timers that schedule, reschedule and cancel timers from inside their actions.

interface ChainSpec {
  /** Self re-arming timers: fire at `start`, then re-arm by each period in turn. */
  periodic: { start: number; periods: number[] }[];
  /** Targets the spawners move or cancel. */
  victims: number[];
  /** One-shots that spawn a child one-shot and move (or cancel, when null) a victim. */
  spawners: { at: number; delay: number; victim: number; victimDelay: number | null }[];
}

const CHAIN_END = 200_000;

const chainSpec: fc.Arbitrary<ChainSpec> = fc.record({
  periodic: fc.array(
    fc.record({
      start: fc.nat(20_000),
      periods: fc.array(fc.oneof(fc.constant(0), fc.nat(50), fc.nat(3_000)), { maxLength: 30 }),
    }),
    { maxLength: 6 },
  ),
  victims: fc.array(fc.nat(100_000), { minLength: 1, maxLength: 5 }),
  spawners: fc.array(
    fc.record({
      at: fc.oneof(fc.nat(100), fc.nat(100_000)),
      delay: fc.oneof(fc.constant(0), fc.nat(5_000)),
      victim: fc.nat(4),
      victimDelay: fc.option(fc.oneof(fc.constant(0), fc.nat(5_000)), { nil: null }),
    }),
    { maxLength: 20 },
  ),
});

/** Builds the chain scenario on a fresh scheduler; every firing is appended to `trace`. */
function buildChain(spec: ChainSpec): { sched: Scheduler; trace: Fire[]; heard: Fire[] } {
  const sched = new Scheduler();
  const trace: Fire[] = [];
  const heard: Fire[] = [];
  sched.onFire((tick, timer) => heard.push([tick, timer.name]));
  const record = (name: string) => (now: number) => {
    expect(sched.nowTicks).toBe(now);
    trace.push([now, name]);
  };
  spec.periodic.forEach(({ start, periods }, i) => {
    let count = 0;
    const name = `p${i}`;
    const timer: Timer = sched.timer(name, (now) => {
      record(name)(now);
      const period = periods[count++];
      if (period !== undefined) timer.scheduleIn(period);
    });
    timer.scheduleAt(start);
  });
  const victims = spec.victims.map((tick, i) => {
    const timer = sched.timer(`v${i}`, record(`v${i}`));
    timer.scheduleAt(tick);
    return timer;
  });
  spec.spawners.forEach(({ at, delay, victim, victimDelay }, i) => {
    sched.at(at, `s${i}`, (now) => {
      record(`s${i}`)(now);
      sched.after(delay, `s${i}.child`, record(`s${i}.child`));
      const v = victims[victim % victims.length]!;
      if (victimDelay === null) v.cancel();
      else v.scheduleIn(victimDelay);
    });
  });
  return { sched, trace, heard };
}

describe("Scheduler chains", () => {
  it("a run split into runUntil chunks gives the same trace as one runUntil", () => {
    fc.assert(
      fc.property(
        chainSpec,
        fc.array(fc.oneof(fc.nat(CHAIN_END), fc.nat(1_000)), { maxLength: 25 }),
        (spec, rawSplits) => {
          const whole = buildChain(spec);
          whole.sched.runUntil(CHAIN_END);
          expect(whole.sched.pendingCount).toBe(0); // the scenario always finishes by CHAIN_END
          expect(whole.heard).toEqual(whole.trace);

          // Independent check of the periodic timers: fire times are the running sums.
          spec.periodic.forEach(({ start, periods }, i) => {
            const expected = [start];
            for (const p of periods) expected.push(expected[expected.length - 1]! + p);
            const got = whole.trace.filter(([, name]) => name === `p${i}`).map(([t]) => t);
            expect(got).toEqual(expected);
          });
          // Spawned children fire `delay` after their spawner.
          spec.spawners.forEach(({ at, delay }, i) => {
            const got = whole.trace.filter(([, name]) => name === `s${i}.child`).map(([t]) => t);
            expect(got).toEqual([at + delay]);
          });
          // Time never goes backwards.
          for (let i = 1; i < whole.trace.length; i++) {
            expect(whole.trace[i]![0]).toBeGreaterThanOrEqual(whole.trace[i - 1]![0]);
          }

          const splits = [...rawSplits].sort((a, b) => a - b);
          const chunked = buildChain(spec);
          let total = 0;
          for (const split of splits) {
            total += chunked.sched.runUntil(split);
            expect(chunked.sched.nowTicks).toBe(split);
            // Everything up to the split point, and nothing after it, has fired.
            const upTo = whole.trace.filter(([t]) => t <= split).length;
            expect(chunked.trace).toEqual(whole.trace.slice(0, upTo));
          }
          total += chunked.sched.runUntil(CHAIN_END);
          expect(chunked.trace).toEqual(whole.trace);
          expect(total).toBe(whole.trace.length);
          expect(chunked.sched.firedCount).toBe(whole.trace.length);
          expect(chunked.sched.nowTicks).toBe(CHAIN_END);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("step(clock) cycle by cycle gives the same trace as runUntil, landing on every edge", () => {
    fc.assert(
      fc.property(
        chainSpec,
        fc
          .integer({ min: 1, max: 7 })
          .chain((den) =>
            fc.tuple(fc.integer({ min: 1_000 * den, max: 10_000 * den }), fc.constant(den)),
          ),
        (spec, [num, den]) => {
          const clock = ClockDomain.fromPeriod("coarse", num, den);
          const edge = (k: number): number => Number((BigInt(k) * BigInt(num)) / BigInt(den));
          let cycles = 0;
          while (edge(cycles) < CHAIN_END) cycles++;
          const end = edge(cycles);

          const reference = buildChain(spec);
          reference.sched.runUntil(end);

          const stepped = buildChain(spec);
          for (let k = 1; k <= cycles; k++) {
            const returned = stepped.sched.step(clock);
            expect(returned).toBe(edge(k));
            expect(stepped.sched.nowTicks).toBe(edge(k));
            const upTo = reference.trace.filter(([t]) => t <= edge(k)).length;
            expect(stepped.trace.length).toBe(upTo);
          }
          expect(stepped.trace).toEqual(reference.trace);
          expect(stepped.sched.firedCount).toBe(reference.sched.firedCount);
          expect(stepped.sched.pendingCount).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("step from a time between edges goes to the next edge", () => {
    const sched = new Scheduler();
    const cpu = ClockDomain.fromHz("cpu", 3_000_000_000); // edges 0, 333, 666, 1000, ...
    sched.runUntil(400);
    expect(sched.step(cpu)).toBe(666);
    expect(sched.step(cpu)).toBe(1000);
    expect(sched.step(cpu)).toBe(1333);
    const seen: number[] = [];
    sched.at(1400, "x", (t) => seen.push(t));
    expect(sched.step(cpu)).toBe(1666);
    expect(seen).toEqual([1400]);
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based test.

interface Entry {
  name: string;
  tick: number;
  seq: number;
}

interface Model {
  now: number;
  pending: Entry[];
  trace: Fire[];
  seq: number;
  oneShots: number;
}

interface Real {
  sched: Scheduler;
  timers: Map<string, Timer>;
  trace: Fire[];
  oneShots: number;
}

/** Plain timers, plus "p" which re-arms itself every P_PERIOD and "k" which moves "a" to now. */
const PLAIN = ["a", "b", "c", "d"] as const;
const NAMES = [...PLAIN, "p", "k"] as const;
const P_PERIOD = 777;

/** The step clocks, with their periods written out independently of ClockDomain. */
const STEP_CLOCKS = [
  { clock: ClockDomain.fromPeriod("ns", 1_000), num: 1_000n, den: 1n },
  { clock: ClockDomain.fromHz("cpu", 3_000_000_000), num: 1_000n, den: 3n },
  { clock: ClockDomain.fromHz("pcs", 156_250_000), num: 6_400n, den: 1n },
  { clock: ClockDomain.fromHz("cpu2", 2_600_000_000), num: 5_000n, den: 13n },
] as const;

function modelFind(m: Readonly<Model>, name: string): Entry | undefined {
  return m.pending.find((e) => e.name === name);
}

function modelSchedule(m: Model, name: string, tick: number): void {
  m.pending = m.pending.filter((e) => e.name !== name);
  m.pending.push({ name, tick, seq: m.seq++ });
}

function modelCancel(m: Model, name: string): void {
  m.pending = m.pending.filter((e) => e.name !== name);
}

/** Removes and returns the earliest pending entry at or before `limit`. */
function modelPopDue(m: Model, limit: number): Entry | undefined {
  let best: Entry | undefined;
  for (const e of m.pending) {
    if (e.tick > limit) continue;
    if (best === undefined || e.tick < best.tick || (e.tick === best.tick && e.seq < best.seq)) {
      best = e;
    }
  }
  if (best !== undefined) m.pending = m.pending.filter((e) => e !== best);
  return best;
}

function modelFire(m: Model, e: Entry): void {
  m.now = e.tick;
  m.trace.push([e.tick, e.name]);
  if (e.name === "p") modelSchedule(m, "p", e.tick + P_PERIOD);
  if (e.name === "k") modelSchedule(m, "a", e.tick);
}

function modelRunUntil(m: Model, target: number): number {
  let fired = 0;
  for (let e = modelPopDue(m, target); e !== undefined; e = modelPopDue(m, target)) {
    modelFire(m, e);
    fired++;
  }
  m.now = target;
  return fired;
}

function modelNextEdgeAfter(now: number, num: bigint, den: bigint): number {
  const t = BigInt(now);
  let n = (t * den) / num; // edge(n) <= now
  while ((n * num) / den <= t) n++;
  return Number((n * num) / den);
}

function newReal(): Real {
  const sched = new Scheduler();
  const trace: Fire[] = [];
  const timers = new Map<string, Timer>();
  const real: Real = { sched, timers, trace, oneShots: 0 };
  for (const name of PLAIN)
    timers.set(
      name,
      sched.timer(name, (now) => trace.push([now, name])),
    );
  timers.set(
    "p",
    sched.timer("p", (now) => {
      trace.push([now, "p"]);
      timers.get("p")!.scheduleIn(P_PERIOD);
    }),
  );
  timers.set(
    "k",
    sched.timer("k", (now) => {
      trace.push([now, "k"]);
      timers.get("a")!.scheduleAt(now);
    }),
  );
  return real;
}

function checkAgainstModel(m: Model, r: Real): void {
  expect(r.sched.nowTicks).toBe(m.now);
  expect(r.sched.pendingCount).toBe(m.pending.length);
  const next = m.pending.length ? Math.min(...m.pending.map((e) => e.tick)) : undefined;
  expect(r.sched.nextEventTicks()).toBe(next);
  expect(r.trace).toEqual(m.trace);
  expect(r.sched.firedCount).toBe(m.trace.length);
  for (const name of NAMES) {
    const timer = r.timers.get(name)!;
    const entry = modelFind(m, name);
    expect(timer.pending).toBe(entry !== undefined);
    if (entry) expect(timer.atTicks).toBe(entry.tick);
  }
}

const commandCounts = new Map<string, number>();
function count(kind: string): void {
  commandCounts.set(kind, (commandCounts.get(kind) ?? 0) + 1);
}

type Cmd = fc.Command<Model, Real>;

class ScheduleCmd implements Cmd {
  constructor(
    readonly name: string,
    readonly delta: number,
    readonly relative: boolean,
  ) {}
  check(m: Readonly<Model>): boolean {
    return modelFind(m, this.name) === undefined;
  }
  run(m: Model, r: Real): void {
    count("schedule");
    const timer = r.timers.get(this.name)!;
    if (this.relative) timer.scheduleIn(this.delta);
    else timer.scheduleAt(m.now + this.delta);
    modelSchedule(m, this.name, m.now + this.delta);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `schedule(${this.name}, +${this.delta}${this.relative ? ", in" : ""})`;
  }
}

class RescheduleCmd implements Cmd {
  constructor(
    readonly name: string,
    readonly delta: number,
    readonly relative: boolean,
  ) {}
  check(m: Readonly<Model>): boolean {
    return modelFind(m, this.name) !== undefined;
  }
  run(m: Model, r: Real): void {
    count("reschedule");
    const timer = r.timers.get(this.name)!;
    if (this.relative) timer.scheduleIn(this.delta);
    else timer.scheduleAt(m.now + this.delta);
    modelSchedule(m, this.name, m.now + this.delta);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `reschedule(${this.name}, +${this.delta}${this.relative ? ", in" : ""})`;
  }
}

class CancelCmd implements Cmd {
  constructor(readonly name: string) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    count(modelFind(m, this.name) ? "cancel-pending" : "cancel-idle");
    r.timers.get(this.name)!.cancel();
    modelCancel(m, this.name);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `cancel(${this.name})`;
  }
}

class AfterCmd implements Cmd {
  constructor(readonly delta: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    count("after");
    const name = `o${r.oneShots++}`;
    expect(name).toBe(`o${m.oneShots++}`);
    const timer = r.sched.after(this.delta, name, (now) => r.trace.push([now, name]));
    r.timers.set(name, timer);
    modelSchedule(m, name, m.now + this.delta);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `after(+${this.delta})`;
  }
}

class RunUntilCmd implements Cmd {
  constructor(readonly delta: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    count("runUntil");
    const target = m.now + this.delta;
    const fired = r.sched.runUntil(target);
    expect(fired).toBe(modelRunUntil(m, target));
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `runUntil(+${this.delta})`;
  }
}

class StepCmd implements Cmd {
  constructor(readonly clockIndex: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    count("step");
    const { clock, num, den } = STEP_CLOCKS[this.clockIndex]!;
    const edge = modelNextEdgeAfter(m.now, num, den);
    expect(r.sched.step(clock)).toBe(edge);
    modelRunUntil(m, edge);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `step(${STEP_CLOCKS[this.clockIndex]!.clock.name})`;
  }
}

class RunUntilIdleCmd implements Cmd {
  constructor(readonly delta: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    count("runUntilIdle");
    const limit = m.now + this.delta;
    const fired = r.sched.runUntilIdle(limit);
    let expected = 0;
    for (let e = modelPopDue(m, limit); e !== undefined; e = modelPopDue(m, limit)) {
      modelFire(m, e);
      expected++;
    }
    expect(fired).toBe(expected);
    checkAgainstModel(m, r);
  }
  toString(): string {
    return `runUntilIdle(+${this.delta})`;
  }
}

describe("Scheduler model-based", () => {
  it("matches a model under random schedule/reschedule/cancel/run/step sequences", () => {
    commandCounts.clear();
    const name = fc.constantFrom(...NAMES);
    const delay = fc.oneof(fc.constant(0), fc.nat(50), fc.nat(5_000));
    const advance = fc.oneof(fc.constant(0), fc.nat(3_000), fc.nat(20_000));
    const commands = [
      fc.tuple(name, delay, fc.boolean()).map(([n, d, rel]) => new ScheduleCmd(n, d, rel)),
      // Rescheduling and cancelling a pending timer need one to be pending: ask twice as often.
      fc.tuple(name, delay, fc.boolean()).map(([n, d, rel]) => new RescheduleCmd(n, d, rel)),
      fc.tuple(name, delay, fc.boolean()).map(([n, d, rel]) => new RescheduleCmd(n, d, rel)),
      name.map((n) => new CancelCmd(n)),
      name.map((n) => new CancelCmd(n)),
      delay.map((d) => new AfterCmd(d)),
      advance.map((d) => new RunUntilCmd(d)),
      fc.nat(STEP_CLOCKS.length - 1).map((i) => new StepCmd(i)),
      advance.map((d) => new RunUntilIdleCmd(d)),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60, size: "max" }), (cmds) => {
        const model: Model = { now: 0, pending: [], trace: [], seq: 0, oneShots: 0 };
        const real = newReal();
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: 300 },
    );
    for (const kind of [
      "schedule",
      "reschedule",
      "cancel-pending",
      "cancel-idle",
      "after",
      "runUntil",
      "step",
      "runUntilIdle",
    ]) {
      expect(commandCounts.get(kind) ?? 0, kind).toBeGreaterThan(50);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Errors, stop requests, one-shots, listeners, runUntilIdle.

describe("Scheduler edge cases", () => {
  it("scheduling in the past or at a non-integer tick throws RangeError and changes nothing", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.oneof(
          fc.integer({ min: 1, max: 1_000_000 }).map((d) => -d),
          fc.constantFrom(0.5, Number.NaN, Infinity, -Infinity, 2 ** 53),
        ),
        (now, pendingDelta, bad) => {
          const sched = new Scheduler();
          sched.runUntil(now);
          const timer = sched.timer("t", () => {});
          timer.scheduleAt(now + pendingDelta);
          const badTick = now + bad; // in the past, or not a safe integer
          expect(() => timer.scheduleAt(badTick)).toThrow(RangeError);
          expect(() => sched.at(badTick, "x", () => {})).toThrow(RangeError);
          expect(() => timer.scheduleIn(bad)).toThrow(RangeError);
          expect(() => sched.after(bad, "y", () => {})).toThrow(RangeError);
          expect(timer.pending).toBe(true);
          expect(timer.atTicks).toBe(now + pendingDelta);
          expect(sched.pendingCount).toBe(1);
          expect(sched.nowTicks).toBe(now);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("runUntil backwards or to a non-integer tick throws RangeError", () => {
    const sched = new Scheduler();
    sched.runUntil(1_000);
    expect(() => sched.runUntil(999)).toThrow(RangeError);
    expect(() => sched.runUntil(0)).toThrow(RangeError);
    expect(() => sched.runUntil(1_000.5)).toThrow(RangeError);
    expect(() => sched.runUntil(Number.NaN)).toThrow(RangeError);
    expect(() => sched.runUntil(Infinity)).toThrow(RangeError);
    expect(sched.nowTicks).toBe(1_000);
    expect(sched.runUntil(1_000)).toBe(0); // staying put is fine
    expect(sched.nowTicks).toBe(1_000);
  });

  it("requestStop() from an action returns early, leaving the time at that event", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(20), fc.nat(10_000)), { minLength: 1, maxLength: 50 }),
        fc.nat(),
        (ticks, stopPick) => {
          const stopIndex = stopPick % ticks.length;
          const sched = new Scheduler();
          const trace: Fire[] = [];
          ticks.forEach((tick, i) => {
            sched.at(tick, `e${i}`, (now) => {
              trace.push([now, `e${i}`]);
              if (i === stopIndex) sched.requestStop();
            });
          });
          const order = byTickStable(ticks.map((tick, i) => ({ tick, name: `e${i}` })));
          const position = order.findIndex((e) => e.name === `e${stopIndex}`);

          const fired = sched.runUntil(20_000);
          expect(fired).toBe(position + 1);
          expect(sched.nowTicks).toBe(ticks[stopIndex]);
          expect(sched.firedCount).toBe(position + 1);
          expect(sched.pendingCount).toBe(ticks.length - position - 1);
          // The rest fire on the next call, which is not stopped by the earlier request.
          expect(sched.runUntil(20_000)).toBe(ticks.length - position - 1);
          expect(sched.nowTicks).toBe(20_000);
          expect(trace).toEqual(order.map((e): Fire => [e.tick, e.name]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("requestStop() outside a run does not stop the next run", () => {
    const sched = new Scheduler();
    const seen: number[] = [];
    sched.at(10, "a", (t) => seen.push(t));
    sched.at(20, "b", (t) => seen.push(t));
    sched.requestStop();
    expect(sched.runUntil(100)).toBe(2);
    expect(seen).toEqual([10, 20]);
    expect(sched.nowTicks).toBe(100);
  });

  it("after and at schedule one-shots that fire exactly once", () => {
    const sched = new Scheduler();
    sched.runUntil(100);
    const seen: Fire[] = [];
    const a = sched.after(5, "after5", (t) => seen.push([t, "after5"]));
    const b = sched.at(103, "at103", (t) => seen.push([t, "at103"]));
    const c = sched.after(0, "now", (t) => seen.push([t, "now"]));
    expect(a.pending && b.pending && c.pending).toBe(true);
    expect([a.atTicks, b.atTicks, c.atTicks]).toEqual([105, 103, 100]);
    expect(a.name).toBe("after5");
    sched.runUntil(1_000);
    sched.runUntil(2_000);
    expect(seen).toEqual([
      [100, "now"],
      [103, "at103"],
      [105, "after5"],
    ]);
    expect(a.pending || b.pending || c.pending).toBe(false);
    expect(sched.firedCount).toBe(3);
  });

  it("a timer created with timer() schedules nothing until asked", () => {
    const sched = new Scheduler();
    const t = sched.timer("idle", () => {
      throw new Error("must not fire");
    });
    expect(t.pending).toBe(false);
    expect(sched.pendingCount).toBe(0);
    expect(sched.nextEventTicks()).toBeUndefined();
    expect(sched.runUntil(1_000_000)).toBe(0);
  });

  it("onFire listeners see every firing, before the action, and can be removed", () => {
    fc.assert(
      fc.property(chainSpec, fc.nat(CHAIN_END), (spec, removeAt) => {
        const { sched, trace } = buildChain(spec);
        const all: Fire[] = [];
        const early: Fire[] = [];
        sched.onFire((tick, timer) => {
          expect(sched.nowTicks).toBe(tick);
          expect(timer.pending).toBe(false); // already taken off the queue
          all.push([tick, timer.name]);
        });
        const removeEarly = sched.onFire((tick, timer) => early.push([tick, timer.name]));
        sched.runUntil(removeAt);
        removeEarly();
        removeEarly(); // harmless twice
        sched.runUntil(CHAIN_END);
        expect(all).toEqual(trace);
        expect(early).toEqual(trace.filter(([t]) => t <= removeAt));
      }),
      { numRuns: 100 },
    );
  });

  it("the listener is called before the action", () => {
    const sched = new Scheduler();
    const log: string[] = [];
    sched.onFire((_t, timer) => log.push(`heard ${timer.name}`));
    sched.at(1, "x", () => log.push("ran x"));
    sched.runUntil(1);
    expect(log).toEqual(["heard x", "ran x"]);
  });

  it("a listener that removes itself while being called does not make others miss the event", () => {
    const sched = new Scheduler();
    const heardB: number[] = [];
    const heardA: number[] = [];
    const removeA = sched.onFire((t) => {
      heardA.push(t);
      removeA();
    });
    sched.onFire((t) => heardB.push(t));
    sched.at(10, "x", () => {});
    sched.at(20, "y", () => {});
    sched.runUntil(100);
    expect(heardA).toEqual([10]);
    expect(heardB).toEqual([10, 20]);
  });

  it("runUntilIdle fires everything due and leaves the time at the last firing", () => {
    fc.assert(
      fc.property(
        fc.nat(1_000),
        fc.array(fc.oneof(fc.nat(10), fc.nat(100_000)), { maxLength: 40 }),
        fc.option(fc.nat(120_000), { nil: undefined }),
        (start, deltas, limitDelta) => {
          const sched = new Scheduler();
          sched.runUntil(start);
          const trace: Fire[] = [];
          deltas.forEach((d, i) => {
            sched.after(d, `e${i}`, (t) => trace.push([t, `e${i}`]));
          });
          const limit = limitDelta === undefined ? undefined : start + limitDelta;
          const fired = sched.runUntilIdle(limit);
          const expected = byTickStable(deltas.map((d, i) => ({ tick: start + d, name: `e${i}` })))
            .filter((e) => limit === undefined || e.tick <= limit)
            .map((e): Fire => [e.tick, e.name]);
          expect(fired).toBe(expected.length);
          expect(trace).toEqual(expected);
          expect(sched.nowTicks).toBe(expected.length ? expected[expected.length - 1]![0] : start);
          expect(sched.pendingCount).toBe(deltas.length - expected.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("runUntilIdle follows chains of timers to the end", () => {
    const sched = new Scheduler();
    const seen: number[] = [];
    let left = 5;
    const t = sched.timer("chain", (now) => {
      seen.push(now);
      if (--left > 0) t.scheduleIn(10);
    });
    t.scheduleAt(10);
    expect(sched.runUntilIdle()).toBe(5);
    expect(seen).toEqual([10, 20, 30, 40, 50]);
    expect(sched.nowTicks).toBe(50);
    expect(sched.runUntilIdle()).toBe(0);
    expect(sched.nowTicks).toBe(50);
  });
});

// ---------------------------------------------------------------------------------------------
// Determinism.

/** A scenario whose every choice comes from an Rng seeded with `seed`. */
function rngScenario(seed: number): Fire[] {
  const rng = new Rng(seed);
  const delays = rng.fork(1);
  const sched = new Scheduler();
  const trace: Fire[] = [];
  const timers: Timer[] = [];
  for (let i = 0; i < 8; i++) {
    const name = `t${i}`;
    const timer = sched.timer(name, (now) => {
      trace.push([now, name]);
      const other = timers[rng.nextInt(timers.length)]!;
      if (rng.nextInt(4) === 0) other.cancel();
      else other.scheduleIn(delays.nextInt(2_000));
      if (rng.nextInt(3) !== 0) timer.scheduleIn(delays.nextInt(1_000));
    });
    timers.push(timer);
  }
  for (const timer of timers) timer.scheduleAt(rng.nextInt(1_000));
  sched.runUntil(100_000);
  return trace;
}

describe("Scheduler determinism", () => {
  it("the same seed gives the same trace", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (seed) => {
        const a = rngScenario(seed);
        const b = rngScenario(seed);
        expect(a.length).toBeGreaterThan(0);
        expect(b).toEqual(a);
      }),
      { numRuns: 30 },
    );
  });

  it("different seeds give different traces", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        (s1, s2) => {
          fc.pre(s1 !== s2);
          expect(rngScenario(s1)).not.toEqual(rngScenario(s2));
        },
      ),
      { numRuns: 30 },
    );
    expect(rngScenario(1)).not.toEqual(rngScenario(2));
  });
});

describe("Scheduler stop and counting", () => {
  it("runUntilIdle honours requestStop()", () => {
    const s = new Scheduler();
    const fired: number[] = [];
    s.at(10, "a", () => {
      fired.push(10);
      s.requestStop();
    });
    s.at(20, "b", () => fired.push(20));
    s.runUntilIdle();
    expect(fired).toEqual([10]);
    expect(s.stopped).toBe(true);
    expect(s.nowTicks).toBe(10);
  });

  it("counts a timer whose action throws", () => {
    const s = new Scheduler();
    s.at(5, "ok", () => {});
    s.at(6, "boom", () => {
      throw new Error("boom");
    });
    expect(() => s.runUntil(10)).toThrow("boom");
    expect(s.firedCount).toBe(2);
  });
});
