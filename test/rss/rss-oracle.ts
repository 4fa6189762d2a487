/**
 * The RSS tests' independent oracle: the published input rule as a decision table, the
 * input gathered from a frame by hand, and the device's in-place hash as the receive
 * classifier composes it (`rssInputLength` sizes the input, `hashTuple` reads it).
 *
 * The decision table spells the 82599's RSS type codes (Linux ixgbe
 * IXGBE_RXDADV_RSSTYPE_*: 1 TCP/IPv4, 2 IPv4, 3 TCP/IPv6, 5 IPv6, 7 UDP/IPv4, 8 UDP/IPv6)
 * as literals:
 *
 *   "With both L3 and L4 types enabled, hash the 4-tuple when the L4 header is present,
 *    else the address pair. With only an L4 type enabled and no such header, do not hash.
 *    IP fragments, the first one included, use the address-pair hash."
 */
import { L3Kind, L4Kind, RssHashFlag, rssInputLength } from "../../src/hw/rss/rss-input.js";
import type { ToeplitzTable } from "../../src/hw/rss/toeplitz.js";

interface Choice {
  readonly flag: number;
  readonly type: number;
}
interface FamilyRow {
  readonly addrLen: number;
  readonly pair: Choice;
  readonly tcp: Choice;
  readonly udp: Choice;
}

const DECISION_TABLE: Readonly<Record<number, FamilyRow>> = {
  [L3Kind.IPV4]: {
    addrLen: 4,
    pair: { flag: RssHashFlag.IPV4, type: 2 },
    tcp: { flag: RssHashFlag.TCP_IPV4, type: 1 },
    udp: { flag: RssHashFlag.UDP_IPV4, type: 7 },
  },
  [L3Kind.IPV6]: {
    addrLen: 16,
    pair: { flag: RssHashFlag.IPV6, type: 5 },
    tcp: { flag: RssHashFlag.TCP_IPV6, type: 3 },
    udp: { flag: RssHashFlag.UDP_IPV6, type: 8 },
  },
};

export interface Expected {
  readonly type: number;
  /** Which fields are hashed: none, the address pair, or the 4-tuple. */
  readonly input: "none" | "pair" | "tuple";
  readonly addrLen: number;
}

/** The decision table's answer for a frame of this kind under the enable `flags`. */
export function oracle(flags: number, l3: number, fragment: boolean, l4: number): Expected {
  const row = DECISION_TABLE[l3];
  if (row === undefined) return { type: 0, input: "none", addrLen: 0 };
  const l4Choice = l4 === L4Kind.TCP ? row.tcp : l4 === L4Kind.UDP ? row.udp : undefined;
  const headerPresent = l4Choice !== undefined && !fragment;
  if (headerPresent && (flags & l4Choice.flag) !== 0) {
    return { type: l4Choice.type, input: "tuple", addrLen: row.addrLen };
  }
  if ((flags & row.pair.flag) !== 0) {
    return { type: row.pair.type, input: "pair", addrLen: row.addrLen };
  }
  return { type: 0, input: "none", addrLen: 0 };
}

/**
 * What the parser found in a frame: absolute offsets of the addresses and of the ports
 * (source then destination, adjacent, as in TCP and UDP headers).
 */
export interface FrameFacts {
  readonly l3Kind: number;
  readonly isFragment: boolean;
  readonly l4Kind: number;
  readonly srcAddrOffset: number;
  readonly dstAddrOffset: number;
  readonly portsOffset: number;
}

/** The oracle's input bytes (R1: source, destination, then the ports), by plain slices. */
export function oracleInput(e: Expected, frame: Uint8Array, facts: FrameFacts): number[] {
  if (e.input === "none") return [];
  const take = (at: number, n: number) => Array.from(frame.slice(at, at + n));
  const pair = [...take(facts.srcAddrOffset, e.addrLen), ...take(facts.dstAddrOffset, e.addrLen)];
  if (e.input === "pair") return pair;
  return [...pair, ...take(facts.portsOffset, 4)];
}

/**
 * The device's hash of RSS type `type` for the frame, as the receive classifier computes
 * it: the input's length says the address size and whether the ports follow, and
 * `hashTuple` reads them in place. 0 for NONE.
 */
export function hashInPlace(
  table: ToeplitzTable,
  type: number,
  frame: Uint8Array,
  facts: FrameFacts,
): number {
  const length = rssInputLength(type);
  if (length === 0) return 0;
  const addressBytes = length >= 32 ? 16 : 4;
  const ports = length > 2 * addressBytes ? facts.portsOffset : -1;
  return table.hashTuple(frame, facts.srcAddrOffset, facts.dstAddrOffset, addressBytes, ports);
}
