/**
 * A plain model of receive steering, written from the published rules (not taken from
 * src): the Toeplitz hash (the RSS tests' reference, checked against Microsoft's published
 * vectors); which input RSS hashes for an IPv4 frame under the NDIS hash types; the
 * redirection table; and the VMQ filter lookup.
 */
import { RSS_HASH } from "../../src/driver/rss.js";
import { portBytes, referenceToeplitz } from "../rss/vectors.js";
import { flowTuple, type RxFrameSpec } from "./system-frames.js";

/** RSS type codes of the receive descriptor (82599: RSSTYPE). */
export const RSS_TYPE = { NONE: 0, TCP_IPV4: 1, IPV4: 2, UDP_IPV4: 7 } as const;

/** The RSS type and hash of an injected frame under `hashTypes` (NDIS flags) and `key`. */
export function rssOf(
  spec: RxFrameSpec,
  hashTypes: number,
  key: Uint8Array,
): { readonly type: number; readonly hash: number } {
  if (spec.l4 === "raw" || hashTypes === 0) return { type: RSS_TYPE.NONE, hash: 0 };
  const t = flowTuple(spec);
  const fourTuple = spec.l4 === "tcp" ? RSS_HASH.TCP_IPV4 : RSS_HASH.UDP_IPV4;
  if ((hashTypes & fourTuple) !== 0) {
    const input = [...t.srcIp, ...t.dstIp, ...portBytes(t.srcPort), ...portBytes(t.dstPort)];
    const type = spec.l4 === "tcp" ? RSS_TYPE.TCP_IPV4 : RSS_TYPE.UDP_IPV4;
    return { type, hash: referenceToeplitz(key, input) };
  }
  if ((hashTypes & RSS_HASH.IPV4) !== 0) {
    return { type: RSS_TYPE.IPV4, hash: referenceToeplitz(key, [...t.srcIp, ...t.dstIp]) };
  }
  return { type: RSS_TYPE.NONE, hash: 0 };
}

/** A receive filter as the model keeps it. */
export interface FilterModel {
  /** Index into VM_MACS. */
  readonly mac: number;
  readonly vlan: number | undefined;
  readonly queue: number;
}

/** Where the NIC puts a frame, and what its descriptor says about how. */
export interface Steering {
  readonly queue: number;
  /** The filter slot that matched, or -1. */
  readonly filter: number;
  readonly rssType: number;
  readonly rssHash: number;
}

/** RSS as the model keeps it. */
export interface RssModel {
  hashTypes: number;
  key: Uint8Array;
  /** The queue of each of the 128 redirection entries. */
  reta: number[];
}

/**
 * Steers `spec`: a unicast frame to the lowest filter slot whose MAC matches and whose
 * VLAN (if any) equals the frame's tag; otherwise through the redirection table by the
 * hash's low 7 bits when RSS is on; otherwise to the default queue 0. The hash is
 * reported whenever RSS is on, filter or not.
 */
export function steer(
  spec: RxFrameSpec,
  filters: readonly (FilterModel | null)[],
  rss: RssModel,
): Steering {
  const { type, hash } = rssOf(spec, rss.hashTypes, rss.key);
  let filter = -1;
  if (typeof spec.dst === "number") {
    filter = filters.findIndex(
      (f) => f !== null && f.mac === spec.dst && (f.vlan === undefined || f.vlan === spec.vlan),
    );
  }
  const queue =
    filter >= 0 ? filters[filter]!.queue : rss.hashTypes !== 0 ? rss.reta[hash & 127]! : 0;
  return { queue, filter, rssType: type, rssHash: hash };
}
