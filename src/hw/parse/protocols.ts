/** EtherTypes and IP protocol numbers the parser knows. */

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
/** 802.1Q VLAN tag (C-tag). */
export const ETHERTYPE_VLAN = 0x8100;
/** 802.1ad service tag (S-tag), the outer tag of QinQ. */
export const ETHERTYPE_QINQ = 0x88a8;

export const IP_PROTO_HOP_BY_HOP = 0;
export const IP_PROTO_TCP = 6;
export const IP_PROTO_UDP = 17;
export const IP_PROTO_ROUTING = 43;
export const IP_PROTO_FRAGMENT = 44;
export const IP_PROTO_ESP = 50;
export const IP_PROTO_AH = 51;
export const IP_PROTO_NO_NEXT = 59;
export const IP_PROTO_DEST_OPTS = 60;

export const ETHERNET_HEADER_BYTES = 14;
export const VLAN_TAG_BYTES = 4;
export const IPV4_MIN_HEADER_BYTES = 20;
/** IHL's largest value, 15 words. */
export const IPV4_MAX_HEADER_BYTES = 60;
export const IPV6_HEADER_BYTES = 40;
export const TCP_MIN_HEADER_BYTES = 20;
/** The data offset's largest value, 15 words. */
export const TCP_MAX_HEADER_BYTES = 60;
export const UDP_HEADER_BYTES = 8;
