import { ETHERTYPE_VLAN } from "../../hw/parse/protocols.js";

/** Where the tag goes (where an untagged frame has its EtherType): after the two addresses. */
const TPID_OFFSET = 12;
/** Bytes of an 802.1Q tag (TPID and TCI). */
export const VLAN_TAG_BYTES = 4;
/** The VLAN ID within the tag control information. */
export const VLAN_ID_MASK = 0x0fff;
/** "No VLAN": an untagged frame, or a port on no VLAN. */
export const NO_VLAN = 0;

/**
 * Writes `frame` into `out` with an 802.1Q tag for `vlan` after its addresses (priority
 * 0), as a switch port in access mode tags a VM's frames on their way out. `out` must hold
 * `frame.length + VLAN_TAG_BYTES` bytes and not overlap `frame`. Takes no views of either
 * (this runs per frame): everything after the addresses is copied into place in one call,
 * which also puts the addresses where the tag goes; the addresses and the tag then
 * overwrite those bytes.
 */
export function insertVlanTag(frame: Uint8Array, vlan: number, out: Uint8Array): void {
  out.set(frame, VLAN_TAG_BYTES);
  for (let i = 0; i < TPID_OFFSET; i++) out[i] = frame[i]!;
  out[TPID_OFFSET] = ETHERTYPE_VLAN >> 8;
  out[TPID_OFFSET + 1] = ETHERTYPE_VLAN & 0xff;
  out[TPID_OFFSET + 2] = (vlan >> 8) & 0x0f;
  out[TPID_OFFSET + 3] = vlan & 0xff;
}
