import { RX_WRITEBACK } from "../desc/formats.js";
import { fieldPosition } from "../desc/schema.js";
import type { FrameFifo } from "../mac/frame-fifo.js";
import { ChecksumStatus, ipv4HeaderChecksumOk, l4ChecksumOk } from "../offload/checksum.js";
import { parseFrame } from "../parse/parse-frame.js";
import { L3Kind, L4Kind, ParsedFrame, ParseError } from "../parse/parsed-frame.js";
import { MRQC_HASH_FIELDS, RETA_ENTRIES, RSS_KEY_BYTES } from "../regs/map/rss.js";
import type { RegisterFile } from "../regs/register-file.js";
import {
  RssHashFlag,
  L3Kind as RssL3,
  L4Kind as RssL4,
  rssHashInPlace,
  selectRssType,
} from "../rss/rss-input.js";
import { ToeplitzTable } from "../rss/toeplitz.js";
import { NO_FILTER, VmqFilterTable } from "./vmq-filter-table.js";

/** PKT_TYPE bits (the 82599's packet type flags, bits 0-5). */
const PKT_IPV4 = 1 << 0;
const PKT_IPV4_EX = 1 << 1;
const PKT_IPV6 = 1 << 2;
const PKT_IPV6_EX = 1 << 3;
const PKT_TCP = 1 << 4;
const PKT_UDP = 1 << 5;

const WB = {
  pktTypeShift: fieldPosition(RX_WRITEBACK, "PKT_TYPE").shift,
  filterShift: fieldPosition(RX_WRITEBACK, "FILTER").shift,
  filterValid: fieldPosition(RX_WRITEBACK, "FILTER_VALID").mask,
  vlanShift: fieldPosition(RX_WRITEBACK, "VLAN").shift,
  vp: fieldPosition(RX_WRITEBACK, "STAT_VP").mask,
  ipcs: fieldPosition(RX_WRITEBACK, "STAT_IPCS").mask,
  l4cs: fieldPosition(RX_WRITEBACK, "STAT_L4CS").mask,
  udpcs: fieldPosition(RX_WRITEBACK, "STAT_UDPCS").mask,
  ipe: fieldPosition(RX_WRITEBACK, "ERR_IPE").mask,
  l4e: fieldPosition(RX_WRITEBACK, "ERR_L4E").mask,
};

/** MRQC field name to the hash flag it enables (the EX variants are covered by plain IPv6). */
const MRQC_TO_FLAG: Record<string, number> = {
  TCP_IPV4: RssHashFlag.TCP_IPV4,
  IPV4: RssHashFlag.IPV4,
  UDP_IPV4: RssHashFlag.UDP_IPV4,
  TCP_IPV6: RssHashFlag.TCP_IPV6,
  IPV6: RssHashFlag.IPV6,
  UDP_IPV6: RssHashFlag.UDP_IPV6,
};

/** The parser's findings as the RSS input rules want them (one object, refilled per frame). */
class Facts {
  l3Kind = 0;
  isFragment = false;
  l4Kind = 0;
  srcAddrOffset = -1;
  dstAddrOffset = -1;
  srcPortOffset = -1;
  dstPortOffset = -1;
}

/**
 * The receive packet engines in front of the packet buffer: parse the frame, steer it
 * (VMQ filter, else RSS through RETA, else the default queue), compute its RSS hash,
 * validate its checksums, and fill the packet buffer slot's queue and descriptor
 * write-back words. Register settings are cached on writes (control path) so a frame
 * costs one parse, one map probe, one table-driven hash and the checksum loops.
 */
export class ReceiveClassifier {
  private readonly regs: RegisterFile;
  private readonly queues: number;
  readonly filters: VmqFilterTable;
  private readonly parsed = new ParsedFrame();
  private readonly facts = new Facts();
  private readonly key = new Uint8Array(RSS_KEY_BYTES);
  private readonly toeplitz: ToeplitzTable;
  private readonly reta = new Uint8Array(RETA_ENTRIES);
  private rssEnabled = false;
  private rssFlags = 0;
  private vmqEnabled = false;
  private defaultQueue = 0;
  private ipChecks = true;
  private l4Checks = true;
  private readonly bprcWord: number;
  private readonly mprcWord: number;
  private readonly ipcserrWord: number;
  private readonly l4cserrWord: number;

  constructor(regs: RegisterFile, queues: number) {
    this.regs = regs;
    this.queues = queues;
    this.filters = new VmqFilterTable(regs, queues);
    this.toeplitz = new ToeplitzTable(this.key);
    this.bprcWord = regs.wordOf("BPRC");
    this.mprcWord = regs.wordOf("MPRC");
    this.ipcserrWord = regs.wordOf("IPCSERR");
    this.l4cserrWord = regs.wordOf("L4CSERR");
    for (const name of ["MRQC", "RSSRK", "RETA", "VMQCTL", "RXCSUM"]) {
      regs.onWrite(name, () => this.reload());
    }
    this.reload();
  }

  /** Re-reads every setting from the registers (after a write, and after a device reset). */
  reload(): void {
    const map = this.regs.map;
    const field = (reg: string, f: string, n = 0) =>
      map.fieldValue(reg, f, this.regs.words[this.regs.wordOf(reg, n)]!);
    this.rssEnabled = field("MRQC", "MRQE") === 1;
    this.rssFlags = 0;
    for (const f of MRQC_HASH_FIELDS) {
      if (field("MRQC", f.name) === 1) this.rssFlags |= MRQC_TO_FLAG[f.name] ?? 0;
    }
    for (let n = 0; n < RSS_KEY_BYTES / 4; n++) {
      const word = this.regs.words[this.regs.wordOf("RSSRK", n)]!;
      for (let b = 0; b < 4; b++) this.key[4 * n + b] = (word >>> (8 * b)) & 0xff;
    }
    this.toeplitz.setKey(this.key);
    for (let i = 0; i < RETA_ENTRIES; i++) this.reta[i] = field("RETA", `ENTRY${i % 4}`, i >>> 2);
    this.vmqEnabled = field("VMQCTL", "VMQ_EN") === 1;
    this.defaultQueue = field("VMQCTL", "DEFAULT_QUEUE");
    this.ipChecks = field("RXCSUM", "IPOFLD") === 1;
    this.l4Checks = field("RXCSUM", "TUOFLD") === 1;
    this.filters.rebuild();
  }

  /** The MacRx hook: classify `bytes[offset, offset + length)` into packet buffer `slot`. */
  readonly classify = (
    bytes: Uint8Array,
    offset: number,
    length: number,
    fifo: FrameFifo,
    slot: number,
  ): void => {
    const parsed = parseFrame(bytes, offset, length, this.parsed);
    const group = bytes[offset]! & 1;
    if (group !== 0) this.countGroupFrame(bytes, offset);
    const vlanId = parsed.vlanTci >= 0 ? parsed.vlanTci & 0xfff : -1;
    const filter =
      this.vmqEnabled && group === 0 ? this.filters.match(bytes, offset, vlanId) : NO_FILTER;
    let rssType = 0;
    let hash = 0;
    if (this.rssEnabled) {
      this.fillFacts(parsed);
      const facts = this.facts;
      rssType = selectRssType(this.rssFlags, facts.l3Kind, facts.isFragment, facts.l4Kind);
      hash = rssHashInPlace(this.toeplitz, rssType, bytes, facts);
    }
    let queue: number;
    if (filter !== NO_FILTER) queue = this.filters.queueOf(filter);
    else if (this.rssEnabled) queue = this.reta[hash & (RETA_ENTRIES - 1)]!;
    else queue = this.defaultQueue;
    fifo.queue[slot] = queue < this.queues ? queue : 0;
    const filterBits = filter === NO_FILTER ? 0 : (filter << WB.filterShift) | WB.filterValid;
    fifo.word0[slot] = (rssType | (packetType(parsed) << WB.pktTypeShift) | filterBits) >>> 0;
    fifo.word1[slot] = hash;
    fifo.word2[slot] = this.checksumStatus(bytes, parsed) | (vlanId >= 0 ? WB.vp : 0);
    fifo.word3[slot] = vlanId >= 0 ? (parsed.vlanTci << WB.vlanShift) >>> 0 : 0;
  };

  private countGroupFrame(bytes: Uint8Array, offset: number): void {
    let broadcast = true;
    for (let i = 0; i < 6; i++) if (bytes[offset + i] !== 0xff) broadcast = false;
    this.regs.hwCount(broadcast ? this.bprcWord : this.mprcWord, 1);
  }

  private fillFacts(parsed: ParsedFrame): void {
    const facts = this.facts;
    const ipOk = parsed.ipSrcOffset >= 0;
    facts.l3Kind = !ipOk ? RssL3.OTHER : parsed.l3Kind === L3Kind.Ipv4 ? RssL3.IPV4 : RssL3.IPV6;
    facts.isFragment = parsed.isFragment;
    const l4Ok = parsed.srcPort >= 0;
    facts.l4Kind = !l4Ok
      ? RssL4.OTHER
      : parsed.l4Kind === L4Kind.Tcp
        ? RssL4.TCP
        : parsed.l4Kind === L4Kind.Udp
          ? RssL4.UDP
          : RssL4.OTHER;
    facts.srcAddrOffset = parsed.ipSrcOffset;
    facts.dstAddrOffset = parsed.ipDstOffset;
    facts.srcPortOffset = parsed.l4Offset;
    facts.dstPortOffset = parsed.l4Offset + 2;
  }

  /** Descriptor status and error bits from checksum validation, counting errors. */
  private checksumStatus(bytes: Uint8Array, parsed: ParsedFrame): number {
    let bits = 0;
    if (this.ipChecks && parsed.l3Kind === L3Kind.Ipv4 && parsed.ipv4HeaderLength > 0) {
      const ip = ipv4HeaderChecksumOk(bytes, parsed);
      if (ip !== ChecksumStatus.NotChecked) bits |= WB.ipcs;
      if (ip === ChecksumStatus.Bad) {
        bits |= WB.ipe;
        this.regs.hwCount(this.ipcserrWord, 1);
      }
    }
    if (this.l4Checks && parsed.error === ParseError.None) {
      const l4 = l4ChecksumOk(bytes, parsed);
      if (l4 !== ChecksumStatus.NotChecked) {
        bits |= WB.l4cs | (parsed.l4Kind === L4Kind.Udp ? WB.udpcs : 0);
      }
      if (l4 === ChecksumStatus.Bad) {
        bits |= WB.l4e;
        this.regs.hwCount(this.l4cserrWord, 1);
      }
    }
    return bits;
  }
}

/** PKT_TYPE flags for a parsed frame. */
function packetType(parsed: ParsedFrame): number {
  let t = 0;
  if (parsed.l3Kind === L3Kind.Ipv4)
    t |= parsed.ipv4HeaderLength > 20 ? PKT_IPV4 | PKT_IPV4_EX : PKT_IPV4;
  if (parsed.l3Kind === L3Kind.Ipv6)
    t |= parsed.ipv6HasExtensionHeaders ? PKT_IPV6 | PKT_IPV6_EX : PKT_IPV6;
  if (parsed.l4Kind === L4Kind.Tcp) t |= PKT_TCP;
  if (parsed.l4Kind === L4Kind.Udp) t |= PKT_UDP;
  return t;
}
