import type { MacAddress } from "../../driver/filters.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Ticks } from "../../kernel/ticks.js";
import type { Timer } from "../../kernel/timer.js";
import type { FrameTemplate } from "../frames/frame-builder.js";
import { FrameStamper } from "../frames/frame-stamper.js";
import { RateSchedule, type TrafficPhase } from "./rate-schedule.js";

/** What every generated flow has: addresses, protocol, how many 5-tuples, when and how fast. */
export interface FlowSpec {
  readonly name: string;
  readonly dst: MacAddress;
  readonly src: MacAddress;
  readonly vlan?: number | undefined;
  readonly ip: 4 | 6;
  readonly l4: "tcp" | "udp";
  /** Distinct 5-tuples (source ports) the flow cycles through, for RSS to spread (default 1). */
  readonly connections?: number;
  readonly phases: readonly TrafficPhase[];
  /** True for frames the wire's far end sends toward the NIC. */
  readonly fromWire?: boolean;
}

/** A flow's counts. */
export interface FlowCounters {
  /** Frames offered (the generator made them). */
  generated: number;
  /** Of those, accepted by the next hop (the wire peer's queue, a port's backlog). */
  accepted: number;
  /** Of those, refused by it at once (peer queue full, port backlog full). */
  refused: number;
}

/**
 * A generated flow: frames with the flow's headers and a signature (flow id = the
 * flow's number times 65536 plus the connection; sequence per connection), emitted on a
 * timer as its phases say, handed to `emit` (which returns whether the next hop took it).
 */
export class GeneratedFlow {
  readonly spec: FlowSpec;
  readonly id: number;
  readonly fromWire: boolean;
  readonly counters: FlowCounters = { generated: 0, accepted: 0, refused: 0 };
  private readonly stampers: FrameStamper[];
  private readonly seqs: Uint32Array;
  private readonly schedule: RateSchedule;
  private readonly timer: Timer;
  private next = 0;
  private stopped = false;

  constructor(
    scheduler: Scheduler,
    id: number,
    spec: FlowSpec,
    private readonly emit: (frame: Uint8Array, length: number, flow: GeneratedFlow) => boolean,
  ) {
    this.spec = spec;
    this.id = id;
    this.fromWire = spec.fromWire ?? false;
    const connections = spec.connections ?? 1;
    this.stampers = Array.from(
      { length: connections },
      (_, c) => new FrameStamper(template(spec, id, c)),
    );
    this.seqs = new Uint32Array(connections);
    this.schedule = new RateSchedule(spec.phases);
    this.timer = scheduler.timer(`flow.${spec.name}`, (now) => this.fire(now));
  }

  /** Starts emitting from `nowTicks`. */
  start(nowTicks: Ticks): void {
    const first = this.schedule.firstEmissionFrom(nowTicks);
    if (first !== undefined) this.timer.scheduleAt(first);
  }

  /** No more frames. */
  stop(): void {
    this.stopped = true;
    this.timer.cancel();
  }

  /** The flow id a connection's frames carry in their signature. */
  flowIdOf(connection: number): number {
    return this.id * 65536 + connection;
  }

  private fire(now: Ticks): void {
    if (this.stopped) return;
    const phase = this.schedule.phaseAt(now);
    if (phase === undefined) {
      const later = this.schedule.firstEmissionFrom(now + 1);
      if (later !== undefined) this.timer.scheduleAt(later);
      return;
    }
    const burst = phase.burstFrames ?? 1;
    for (let i = 0; i < burst; i++) this.one(phase.frameBytes, now);
    const next = this.schedule.nextAfter(phase, now);
    if (next !== undefined) this.timer.scheduleAt(next);
  }

  private one(length: number, now: Ticks): void {
    const c = this.next;
    this.next = (c + 1) % this.stampers.length;
    const seq = this.seqs[c]!;
    this.seqs[c] = seq + 1;
    const frame = this.stampers[c]!.stamp(length, this.flowIdOf(c), seq, now);
    const counters = this.counters;
    counters.generated++;
    if (this.emit(frame, length, this)) counters.accepted++;
    else counters.refused++;
  }
}

/** The headers of connection `c` of flow `id`: addresses from the id, ports from c. */
function template(spec: FlowSpec, id: number, c: number): FrameTemplate {
  const v4 = (last: number) => [10, (id >> 8) & 0xff, id & 0xff, last];
  const v6 = (last: number) => [
    0xfd,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    (id >> 8) & 0xff,
    id & 0xff,
    0,
    last,
  ];
  const addr = spec.ip === 4 ? v4 : v6;
  return {
    dst: spec.dst,
    src: spec.src,
    vlan: spec.vlan,
    ip: spec.ip,
    l4: spec.l4,
    srcIp: addr(1),
    dstIp: addr(2),
    srcPort: 10_000 + c,
    dstPort: 5001,
  };
}
