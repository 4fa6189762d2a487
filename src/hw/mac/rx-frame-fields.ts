/**
 * What the receive packet engines decided for one frame: the queue it goes to and the
 * four dwords of its descriptor write-back (dword 0: packet type, RSS type, filter; dword
 * 1: RSS hash; dword 2: status and error bits; dword 3: VLAN tag in the high half, the
 * length added per descriptor). One record is reused for every frame, so classifying
 * allocates nothing; the packet buffer keeps a copy for frames that wait in it.
 */
export class RxFrameFields {
  queue = 0;
  word0 = 0;
  word1 = 0;
  word2 = 0;
  word3 = 0;

  /** Queue 0 and nothing to report: what an unconfigured device decides. */
  clear(): void {
    this.queue = 0;
    this.word0 = 0;
    this.word1 = 0;
    this.word2 = 0;
    this.word3 = 0;
  }
}
