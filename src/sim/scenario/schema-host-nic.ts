import {
  DEFAULT_MODERATION_US,
  DEFAULT_RING_SIZE,
  RING_SIZE_LIMITS,
  RX_BUFFER_LIMITS,
  type StepLimits,
  stepsText,
  withinSteps,
} from "../../driver/adapter-config.js";
import { RX_BUFFER_BYTES } from "../../driver/buffer-pool.js";
import { COST_NAMES, DEFAULT_CLOCK_HZ } from "../../host/host.js";
import { MAX_PROCESSORS } from "../../host/interrupt-controller.js";
import { DEFAULT_DEVICE_PARAMS, DEVICE_LIMITS } from "../../hw/device-params.js";
import { EITR_MAX_INTERVAL_US } from "../../hw/regs/map/interrupts.js";
import {
  boolean,
  type Decoder,
  describe,
  integer,
  issueText,
  number,
  ObjectReader,
  oneOf,
} from "./decode.js";
import {
  LINK_SPEEDS_GBPS,
  type LinkSpeedGbps,
  type ScenarioHost,
  type ScenarioNic,
} from "./scenario.js";

/** The device's default link speed, which must be one a scenario can name. */
function defaultLinkSpeed(): LinkSpeedGbps {
  const gbps = DEFAULT_DEVICE_PARAMS.linkSpeedMbps / 1000;
  const speed = LINK_SPEEDS_GBPS.find((s) => s === gbps);
  if (speed === undefined) throw new Error(`default link speed ${gbps} Gb/s: not a scenario's`);
  return speed;
}

/** Defaults of the NIC section: the 82599-like device and the driver's registry defaults. */
export const DEFAULT_NIC: ScenarioNic = Object.freeze({
  queues: DEFAULT_DEVICE_PARAMS.queues,
  vectors: DEFAULT_DEVICE_PARAMS.vectors,
  linkSpeedGbps: defaultLinkSpeed(),
  rxPacketBufferKiB: DEFAULT_DEVICE_PARAMS.rxPacketBufferBytes / 1024,
  ringSize: DEFAULT_RING_SIZE,
  rxBufferBytes: RX_BUFFER_BYTES,
  moderationUs: DEFAULT_MODERATION_US,
});

/** A cost in CPU cycles. */
export const cycles = number(0, 1e9, { unit: " cycles" });

/** An object of optional numeric overrides, every key one of `keys`. */
export function overrides<K extends string>(
  keys: readonly K[],
): Decoder<Partial<Record<K, number>>> {
  return (value, path, issues) => {
    const o = ObjectReader.of(value, path, issues, `an object of ${keys.join(", ")}`);
    if (o === undefined) return undefined;
    const out: Partial<Record<K, number>> = {};
    for (const key of keys) {
      const v = o.optional(key, cycles);
      if (v !== undefined) out[key] = v;
    }
    return o.finish() ? out : undefined;
  };
}

export const hostSection: Decoder<ScenarioHost> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object with processors, clockHz...");
  if (o === undefined) return undefined;
  const processors = o.required(
    "processors",
    integer(1, MAX_PROCESSORS),
    `an integer 1..${MAX_PROCESSORS}`,
  );
  const clockHz = o.optional("clockHz", integer(1_000_000, 1_000_000_000_000, " (Hz)"));
  const hyperThreading = o.optional("hyperThreading", boolean);
  const costs = o.optional("costs", overrides(COST_NAMES));
  if (!o.finish() || processors === undefined) return undefined;
  return {
    processors,
    clockHz: clockHz ?? DEFAULT_CLOCK_HZ,
    hyperThreading: hyperThreading ?? false,
    costs: costs ?? {},
  };
};

/** An integer the driver's limit `l` accepts (a multiple of its step in its range). */
function multipleOf(l: StepLimits): Decoder<number> {
  return (value, path, issues) => {
    if (typeof value === "number" && withinSteps(value, l)) return value;
    issues.push(issueText(path, describe(value), stepsText(l)));
    return undefined;
  };
}

export const nicSection: Decoder<ScenarioNic> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object with queues, vectors...");
  if (o === undefined) return undefined;
  const q = DEVICE_LIMITS.queues;
  const v = DEVICE_LIMITS.vectors;
  const buffer = DEVICE_LIMITS.rxPacketBufferBytes;
  const nic = {
    queues: o.optional("queues", integer(q.min, q.max, " (the NIC model's queue pairs)")),
    vectors: o.optional("vectors", integer(v.min, v.max, " (the NIC model's MSI-X vectors)")),
    linkSpeedGbps: o.optional("linkSpeedGbps", oneOf<LinkSpeedGbps>(LINK_SPEEDS_GBPS)),
    rxPacketBufferKiB: o.optional(
      "rxPacketBufferKiB",
      integer(buffer.min / 1024, buffer.max / 1024, " (KiB)"),
    ),
    ringSize: o.optional("ringSize", multipleOf(RING_SIZE_LIMITS)),
    rxBufferBytes: o.optional("rxBufferBytes", multipleOf(RX_BUFFER_LIMITS)),
    moderationUs: o.optional("moderationUs", number(0, EITR_MAX_INTERVAL_US, { unit: " (us)" })),
  };
  if (!o.finish()) return undefined;
  return {
    queues: nic.queues ?? DEFAULT_NIC.queues,
    vectors: nic.vectors ?? DEFAULT_NIC.vectors,
    linkSpeedGbps: nic.linkSpeedGbps ?? DEFAULT_NIC.linkSpeedGbps,
    rxPacketBufferKiB: nic.rxPacketBufferKiB ?? DEFAULT_NIC.rxPacketBufferKiB,
    ringSize: nic.ringSize ?? DEFAULT_NIC.ringSize,
    rxBufferBytes: nic.rxBufferBytes ?? DEFAULT_NIC.rxBufferBytes,
    moderationUs: nic.moderationUs ?? DEFAULT_NIC.moderationUs,
  };
};
