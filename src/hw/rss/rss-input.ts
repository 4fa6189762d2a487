/**
 * Which bytes of a received frame RSS hashes, and the RSS type the descriptor reports.
 *
 * The rules are the published RSS ones (Microsoft's "RSS hashing types" and "RSS hashing
 * functions"; the 82599 datasheet's "RSS hash function"), as the team's reference notes on
 * NDIS and offloads sum them up:
 *
 * - R1 Input order: source address, destination address, then source port, destination
 *   port, each in packet byte order (IPv4: 8 bytes, 12 with ports; IPv6: 32, 36 with ports).
 * - R2 With the L4 type of the frame (TCP or UDP over this IP version) enabled and its L4
 *   header present, hash the 4-tuple.
 * - R3 Otherwise, with the L3 type (IPv4 or IPv6) enabled, hash the address pair.
 * - R4 IP fragments, the first one included, have no usable L4 header: R3 applies.
 * - R5 Otherwise (only an L4 type enabled and no such header, no type enabled for this IP
 *   version, or a frame that is not IPv4/IPv6), do not hash: RSS type 0.
 *
 * R2 to R5 pick the type (`selectRssType`, tabulated per packet shape by `rssTypeTable`
 * when the enables change); R1 is the input's length per type (`rssInputLength`). The
 * receive classifier reads that input where it lies in the frame
 * (`ToeplitzTable.hashTuple`), so nothing is gathered or allocated per frame. The IPv6
 * "EX" hash types (which hash the home address and routing-header address in place of
 * the header's) are not modelled: there are no enable flags for them and their RSS type
 * codes are never produced; the codes are listed only so the descriptor field can be
 * decoded.
 */

/** Hash-type enable flags (a bitmask): which inputs RSS may hash. */
export const RssHashFlag = {
  /** Hash the IPv4 address pair. */
  IPV4: 1 << 0,
  /** Hash TCP over IPv4: the 4-tuple. */
  TCP_IPV4: 1 << 1,
  /** Hash UDP over IPv4: the 4-tuple. */
  UDP_IPV4: 1 << 2,
  /** Hash the IPv6 address pair. */
  IPV6: 1 << 3,
  /** Hash TCP over IPv6: the 4-tuple. */
  TCP_IPV6: 1 << 4,
  /** Hash UDP over IPv6: the 4-tuple. */
  UDP_IPV6: 1 << 5,
} as const;

/** Every hash-type enable flag. */
export const RSS_HASH_ALL = 0x3f;

/**
 * RSS type codes, as the 82599 reports them in the receive descriptor (Linux ixgbe's
 * IXGBE_RXDADV_RSSTYPE_*). The EX codes are never produced by this model.
 */
export const RssType = {
  NONE: 0,
  TCP_IPV4: 1,
  IPV4: 2,
  TCP_IPV6: 3,
  IPV6_EX: 4,
  IPV6: 5,
  TCP_IPV6_EX: 6,
  UDP_IPV4: 7,
  UDP_IPV6: 8,
  UDP_IPV6_EX: 9,
} as const;

/** The network layer of a frame, as the parser found it. */
export const L3Kind = { OTHER: 0, IPV4: 1, IPV6: 2 } as const;
/** The transport layer of a frame, as the parser found it. */
export const L4Kind = { OTHER: 0, TCP: 1, UDP: 2 } as const;

/**
 * R2, R4: whether the frame has an L4 header RSS may use: TCP or UDP, and not a fragment
 * (a fragment, even the first, which carries the ports, hashes the address pair).
 */
export function l4HeaderUsable(isFragment: boolean, l4Kind: number): boolean {
  return !isFragment && (l4Kind === L4Kind.TCP || l4Kind === L4Kind.UDP);
}

/** R2: the RSS type of the 4-tuple hash for this L3/L4 pair; NONE if there is none. */
export function fourTupleType(l3Kind: number, l4Kind: number): number {
  if (l3Kind === L3Kind.IPV4) {
    if (l4Kind === L4Kind.TCP) return RssType.TCP_IPV4;
    if (l4Kind === L4Kind.UDP) return RssType.UDP_IPV4;
  } else if (l3Kind === L3Kind.IPV6) {
    if (l4Kind === L4Kind.TCP) return RssType.TCP_IPV6;
    if (l4Kind === L4Kind.UDP) return RssType.UDP_IPV6;
  }
  return RssType.NONE;
}

/** R3: the RSS type of the address-pair hash for this IP version; NONE if not IP. */
export function addressPairType(l3Kind: number): number {
  if (l3Kind === L3Kind.IPV4) return RssType.IPV4;
  if (l3Kind === L3Kind.IPV6) return RssType.IPV6;
  return RssType.NONE;
}

/** The enable flag that permits an RSS type (0 for NONE and the unmodelled EX types). */
export function enableFlagOf(rssType: number): number {
  switch (rssType) {
    case RssType.IPV4:
      return RssHashFlag.IPV4;
    case RssType.TCP_IPV4:
      return RssHashFlag.TCP_IPV4;
    case RssType.UDP_IPV4:
      return RssHashFlag.UDP_IPV4;
    case RssType.IPV6:
      return RssHashFlag.IPV6;
    case RssType.TCP_IPV6:
      return RssHashFlag.TCP_IPV6;
    case RssType.UDP_IPV6:
      return RssHashFlag.UDP_IPV6;
    default:
      return 0;
  }
}

/** Whether `flags` enables `rssType` (never for NONE). */
function enabled(flags: number, rssType: number): boolean {
  return (flags & enableFlagOf(rssType)) !== 0;
}

/**
 * The RSS type to hash a frame with under the enable `flags`, following R2 to R5:
 * the 4-tuple if its L4 type is enabled and the header usable, else the address pair if
 * the L3 type is enabled, else NONE.
 */
export function selectRssType(
  flags: number,
  l3Kind: number,
  isFragment: boolean,
  l4Kind: number,
): number {
  if (l4HeaderUsable(isFragment, l4Kind)) {
    const l4Type = fourTupleType(l3Kind, l4Kind);
    if (enabled(flags, l4Type)) return l4Type; // R2
  }
  const l3Type = addressPairType(l3Kind);
  if (enabled(flags, l3Type)) return l3Type; // R3 (and R4: fragments land here)
  return RssType.NONE; // R5
}

/** R1: bytes of hash input for an RSS type: 8, 12, 32 or 36; 0 for NONE or EX types. */
export function rssInputLength(rssType: number): number {
  switch (rssType) {
    case RssType.IPV4:
      return 8;
    case RssType.TCP_IPV4:
    case RssType.UDP_IPV4:
      return 12;
    case RssType.IPV6:
      return 32;
    case RssType.TCP_IPV6:
    case RssType.UDP_IPV6:
      return 36;
    default:
      return 0;
  }
}

/**
 * The RSS type of every packet shape under the enable `flags`, for a per-frame lookup
 * (`table[rssShapeIndex(...)]`) in place of `selectRssType`'s branches; rebuilt when
 * software changes the flags.
 */
export function rssTypeTable(flags: number): Uint8Array {
  const table = new Uint8Array(18);
  for (const l3 of [L3Kind.OTHER, L3Kind.IPV4, L3Kind.IPV6]) {
    for (const l4 of [L4Kind.OTHER, L4Kind.TCP, L4Kind.UDP]) {
      for (const fragment of [false, true]) {
        table[rssShapeIndex(l3, l4, fragment)] = selectRssType(flags, l3, fragment, l4);
      }
    }
  }
  return table;
}

/** A packet shape's index in `rssTypeTable`: `l3Kind` and `l4Kind` codes 0 to 2. */
export function rssShapeIndex(l3Kind: number, l4Kind: number, isFragment: boolean): number {
  return (l3Kind * 3 + l4Kind) * 2 + (isFragment ? 1 : 0);
}
