/** The TPID of an 802.1Q tag, where an untagged frame has its EtherType. */
export const TPID_8021Q = 0x8100;
/** Where the TPID (or the EtherType) sits: after the two addresses. */
const TPID_OFFSET = 12;
/** Bytes of an 802.1Q tag (TPID and TCI). */
export const VLAN_TAG_BYTES = 4;
/** The VLAN ID within the tag control information. */
export const VLAN_ID_MASK = 0x0fff;
/** "No VLAN": an untagged frame, or a port on no VLAN. */
export const NO_VLAN = 0;

/** The VLAN ID of the frame's outer 802.1Q tag, or NO_VLAN when it has none. */
export function vlanIdOf(bytes: Uint8Array, length: number): number {
  if (length < TPID_OFFSET + VLAN_TAG_BYTES) return NO_VLAN;
  const tpid = (bytes[TPID_OFFSET]! << 8) | bytes[TPID_OFFSET + 1]!;
  if (tpid !== TPID_8021Q) return NO_VLAN;
  return ((bytes[TPID_OFFSET + 2]! << 8) | bytes[TPID_OFFSET + 3]!) & VLAN_ID_MASK;
}

/**
 * Writes `frame` into `out` with an 802.1Q tag for `vlan` after its addresses (priority
 * 0), as a switch port in access mode tags a VM's frames on their way out. Returns the
 * tagged length; `out` must hold `length + VLAN_TAG_BYTES` bytes.
 */
export function insertVlanTag(
  frame: Uint8Array,
  length: number,
  vlan: number,
  out: Uint8Array,
): number {
  out.set(frame.subarray(0, TPID_OFFSET), 0);
  out[TPID_OFFSET] = TPID_8021Q >> 8;
  out[TPID_OFFSET + 1] = TPID_8021Q & 0xff;
  out[TPID_OFFSET + 2] = (vlan >> 8) & 0x0f;
  out[TPID_OFFSET + 3] = vlan & 0xff;
  out.set(frame.subarray(TPID_OFFSET, length), TPID_OFFSET + VLAN_TAG_BYTES);
  return length + VLAN_TAG_BYTES;
}
