import type { SendOffload, SendRequest } from "../../driver/send-request.js";
import { insertVlanTag, VLAN_TAG_BYTES } from "./vlan-tag.js";

/** A send request whose fields are refilled for each batch (the driver reads it at once). */
interface SlotRequest {
  bytes: Uint8Array;
  offload?: SendOffload;
}

/**
 * Tagged copies of a VM's frames for one call to the driver: an access port's frames get
 * its VLAN tag on the way to the wire. The driver copies every frame before `send`
 * returns, so one growing byte area and one set of request records serve every batch;
 * tagging a frame allocates nothing once the area is large enough.
 */
export class TaggedSends {
  private store = new Uint8Array(64 * 1024);
  private used = 0;
  private readonly slots: SlotRequest[] = [];
  private slotsUsed = 0;

  /** Starts a batch: the copies of the previous one may be overwritten. */
  reset(): void {
    this.used = 0;
    this.slotsUsed = 0;
  }

  /** `request` with a tag for `vlan` added, valid until the next `reset`. */
  tag(request: SendRequest, vlan: number): SendRequest {
    const bytes = request.bytes;
    const length = bytes.length + VLAN_TAG_BYTES;
    if (this.used + length > this.store.length) this.grow(length);
    const out = this.store.subarray(this.used, this.used + length);
    this.used += length;
    insertVlanTag(bytes, vlan, out);
    const slot = this.slot();
    slot.bytes = out;
    if (request.offload === undefined) delete slot.offload;
    else slot.offload = request.offload;
    return slot;
  }

  /**
   * A larger area when this batch outgrows the current one. Copies already handed out in
   * this batch keep the old area alive until the driver has read them.
   */
  private grow(length: number): void {
    this.store = new Uint8Array(Math.max(2 * this.store.length, length));
    this.used = 0;
  }

  private slot(): SlotRequest {
    let slot = this.slots[this.slotsUsed];
    if (slot === undefined) {
      slot = { bytes: this.store };
      this.slots.push(slot);
    }
    this.slotsUsed++;
    return slot;
  }
}
