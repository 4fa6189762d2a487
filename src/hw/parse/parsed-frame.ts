/** What the frame carries after its Ethernet (and VLAN) header. */
export enum L3Kind {
  None = 0,
  Ipv4 = 1,
  Ipv6 = 2,
  /** An EtherType that is neither IPv4 nor IPv6 (ARP, LLDP, an 802.3 length, ...). */
  Other = 3,
}

/** What the IP datagram carries after its headers. */
export enum L4Kind {
  None = 0,
  Tcp = 1,
  Udp = 2,
  /** Any other protocol, IPv6's ESP (50) and no-next-header (59) included. */
  Other = 3,
}

/**
 * Why parsing stopped early. "Truncated" means the header does not fit in the bytes
 * that bound it: the frame for L2 and L3, the IP datagram (its length field) for
 * extension headers and L4.
 */
export enum ParseError {
  None = 0,
  /** The frame ends inside the Ethernet header or a VLAN tag. */
  TruncatedL2 = 1,
  /** The frame ends inside the fixed IPv4/IPv6 header or the IPv4 options. */
  TruncatedL3 = 2,
  /** An IPv4 EtherType with a version other than 4, or IPv6 with other than 6. */
  BadIpVersion = 3,
  /** IPv4 IHL below 5 (a header shorter than 20 bytes). */
  BadIpHeaderLength = 4,
  /** IPv4 total length shorter than the header length. */
  BadIpTotalLength = 5,
  /** The IP length field claims more bytes than the frame holds. */
  IpLengthExceedsFrame = 6,
  /** An IPv6 extension header runs past the end of the datagram. */
  TruncatedExtensionHeader = 7,
  /** The TCP or UDP header runs past the end of the datagram. */
  TruncatedL4 = 8,
  /** TCP data offset below 5. */
  BadTcpHeaderLength = 9,
  /** UDP length below 8, or above what the IP datagram holds (unfragmented datagrams). */
  BadUdpLength = 10,
}

/**
 * The result of `parseFrame`: where each header of a frame is and what its fields say.
 * The caller owns one and reuses it for every frame, so parsing allocates nothing.
 *
 * Every offset is absolute (an index into the byte array the frame was parsed from).
 * A field that is absent (the header is not there, or parsing stopped before it) is
 * -1, its kind `None`, and a flag false. When parsing stops at an error, the headers
 * parsed before it keep their fields; the header at fault has only its kind and offset
 * set (`l3Kind`/`l3Offset`, or `l4Kind`/`l4Offset`, or for an extension header
 * `ipv6HasExtensionHeaders`); everything after it is absent.
 */
export class ParsedFrame {
  /** Where the Ethernet header starts (the `offset` given to `parseFrame`). */
  l2Offset = -1;
  /** The EtherType after any VLAN tags. */
  etherType = -1;
  /** 0, 1 (802.1Q 0x8100, or a lone 802.1ad 0x88A8) or 2 (QinQ: 0x88A8 then 0x8100). */
  vlanTagCount = 0;
  /**
   * The TCI (PCP, DEI, VID) of the innermost VLAN tag, -1 when untagged. For QinQ this
   * is the inner (customer, C-tag) TCI; the outer (service, S-tag) one is `outerVlanTci`.
   */
  vlanTci = -1;
  /** The outer (S-tag) TCI of a QinQ frame, -1 otherwise. */
  outerVlanTci = -1;

  l3Offset = -1;
  l3Kind: L3Kind = L3Kind.None;
  /** Where the source address starts (4 bytes for IPv4, 16 for IPv6). */
  ipSrcOffset = -1;
  /** Where the destination address starts (that of the IPv6 header, not of a routing header). */
  ipDstOffset = -1;
  /** The L4 protocol: IPv4's protocol, or IPv6's next header after the extension headers. */
  ipProtocol = -1;
  /** Just past the IP datagram, as its length field says (frame padding is beyond it). */
  ipEnd = -1;
  /** IPv4 header length in bytes, options included (IHL * 4). */
  ipv4HeaderLength = -1;
  ipv4TotalLength = -1;
  ipv6PayloadLength = -1;
  /** The IPv6 header is followed by at least one extension header (parsed or not). */
  ipv6HasExtensionHeaders = false;
  /** Where the (last) IPv6 routing header starts, -1 when there is none. */
  ipv6RoutingHeaderOffset = -1;
  /** IPv4 MF set or fragment offset non-zero; or an IPv6 fragment header saying so. */
  isFragment = false;
  /** A fragment with offset 0 (it carries the L4 header). False when not a fragment. */
  isFirstFragment = false;

  /** Where the L4 header starts; -1 for a non-first fragment (it has none). */
  l4Offset = -1;
  l4Kind: L4Kind = L4Kind.None;
  srcPort = -1;
  dstPort = -1;
  /** TCP data offset in bytes (20..60), options included. */
  tcpHeaderLength = -1;
  /** TCP flag bits 11:0 (bits 3:0 of byte 12, then byte 13: ..., CWR ECE URG ACK PSH RST SYN FIN). */
  tcpFlags = -1;
  /** TCP sequence number, unsigned. */
  tcpSeq = -1;
  /** TCP acknowledgement number, unsigned. */
  tcpAck = -1;
  /** The UDP length field. */
  udpLength = -1;

  /**
   * The bytes after the last header understood: TCP/UDP payload; the whole L4 part for
   * other protocols (from `l4Offset`); the fragment's data for a non-first fragment; the
   * rest of the frame after L2 for a non-IP EtherType. Bounded by the IP (and UDP) length
   * fields, so Ethernet padding is never payload.
   */
  payloadOffset = -1;
  payloadLength = -1;

  error: ParseError = ParseError.None;

  /** Sets every field to absent. */
  reset(): void {
    this.l2Offset = -1;
    this.etherType = -1;
    this.vlanTagCount = 0;
    this.vlanTci = -1;
    this.outerVlanTci = -1;
    this.l3Offset = -1;
    this.l3Kind = L3Kind.None;
    this.ipSrcOffset = -1;
    this.ipDstOffset = -1;
    this.ipProtocol = -1;
    this.ipEnd = -1;
    this.ipv4HeaderLength = -1;
    this.ipv4TotalLength = -1;
    this.ipv6PayloadLength = -1;
    this.ipv6HasExtensionHeaders = false;
    this.ipv6RoutingHeaderOffset = -1;
    this.isFragment = false;
    this.isFirstFragment = false;
    this.l4Offset = -1;
    this.l4Kind = L4Kind.None;
    this.srcPort = -1;
    this.dstPort = -1;
    this.tcpHeaderLength = -1;
    this.tcpFlags = -1;
    this.tcpSeq = -1;
    this.tcpAck = -1;
    this.udpLength = -1;
    this.payloadOffset = -1;
    this.payloadLength = -1;
    this.error = ParseError.None;
  }
}
