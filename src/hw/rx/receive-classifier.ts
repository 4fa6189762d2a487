import { RX_WRITEBACK } from "../desc/formats.js";
import { fieldPosition } from "../desc/schema.js";
import type { RxFrameFields } from "../mac/rx-frame-fields.js";
import { ChecksumStatus, ipv4HeaderChecksumOk, l4ChecksumOk } from "../offload/checksum.js";
import { parseFrame } from "../parse/parse-frame.js";
import { L3Kind, L4Kind, ParsedFrame, ParseError } from "../parse/parsed-frame.js";
import { MRQC_HASH_FIELDS, RETA_ENTRIES, RSS_KEY_BYTES } from "../regs/map/rss.js";
import type { RegisterFile } from "../regs/register-file.js";
import {
  RssHashFlag,
  L3Kind as RssL3,
  L4Kind as RssL4,
  rssInputLength,
  rssShapeIndex,
  rssTypeTable,
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

/**
 * The receive packet engines in front of the packet buffer: parse the frame, steer it
 * (VMQ filter, else RSS through RETA, else the default queue), compute its RSS hash,
 * validate its checksums, and fill in its queue and descriptor write-back words.
 * Register settings are cached on writes (control path) so a frame costs one parse, one
 * map probe, one table-driven hash and the checksum loops.
 */
export class ReceiveClassifier {
  private readonly regs: RegisterFile;
  private readonly queues: number;
  readonly filters: VmqFilterTable;
  private readonly parsed = new ParsedFrame();
  private readonly key = new Uint8Array(RSS_KEY_BYTES);
  private readonly toeplitz: ToeplitzTable;
  private readonly reta = new Uint8Array(RETA_ENTRIES);
  private rssEnabled = false;
  /** The RSS type of each packet shape under MRQC's enables (see `rssTypeTable`). */
  private rssTypes = rssTypeTable(0);
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
    let rssFlags = 0;
    for (const f of MRQC_HASH_FIELDS) {
      if (field("MRQC", f.name) === 1) rssFlags |= MRQC_TO_FLAG[f.name] ?? 0;
    }
    this.rssTypes = rssTypeTable(rssFlags);
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

  /** The MacRx hook: classify `bytes[offset, offset + length)` into `out`. */
  readonly classify = (
    bytes: Uint8Array,
    offset: number,
    length: number,
    out: RxFrameFields,
  ): void => {
    const parsed = parseFrame(bytes, offset, length, this.parsed);
    const group = bytes[offset]! & 1;
    if (group !== 0) this.countGroupFrame(bytes, offset);
    const vlanId = parsed.vlanTci >= 0 ? parsed.vlanTci & 0xfff : -1;
    const filter =
      this.vmqEnabled && group === 0 ? this.filters.match(bytes, offset, vlanId) : NO_FILTER;
    const rssType = this.rssEnabled ? this.rssTypes[rssShape(parsed)]! : 0;
    const hash = rssType === 0 ? 0 : this.rssHash(bytes, parsed, rssType);
    let queue: number;
    if (filter !== NO_FILTER) queue = this.filters.queueOf(filter);
    else if (this.rssEnabled) queue = this.reta[hash & (RETA_ENTRIES - 1)]!;
    else queue = this.defaultQueue;
    out.queue = queue < this.queues ? queue : 0;
    const filterBits = filter === NO_FILTER ? 0 : (filter << WB.filterShift) | WB.filterValid;
    out.word0 = (rssType | (packetType(parsed) << WB.pktTypeShift) | filterBits) >>> 0;
    out.word1 = hash;
    out.word2 = this.checksumStatus(bytes, parsed) | (vlanId >= 0 ? WB.vp : 0);
    out.word3 = vlanId >= 0 ? (parsed.vlanTci << WB.vlanShift) >>> 0 : 0;
  };

  private countGroupFrame(bytes: Uint8Array, offset: number): void {
    let broadcast = true;
    for (let i = 0; i < 6; i++) if (bytes[offset + i] !== 0xff) broadcast = false;
    this.regs.hwCount(broadcast ? this.bprcWord : this.mprcWord, 1);
  }

  /**
   * The Toeplitz hash of the frame's RSS input (R1), read in place: the two addresses
   * (IPv4 inputs are 8 or 12 bytes, IPv6 32 or 36), then the ports if the input is longer.
   */
  private rssHash(bytes: Uint8Array, parsed: ParsedFrame, rssType: number): number {
    const inputLength = rssInputLength(rssType);
    const addressBytes = inputLength >= 32 ? 16 : 4;
    const ports = inputLength > 2 * addressBytes ? parsed.l4Offset : -1;
    return this.toeplitz.hashTuple(
      bytes,
      parsed.ipSrcOffset,
      parsed.ipDstOffset,
      addressBytes,
      ports,
    );
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

/**
 * The frame's shape as the RSS input rules see it (`rssShapeIndex`): IP only when its
 * addresses were found, TCP or UDP only when the ports were.
 */
function rssShape(parsed: ParsedFrame): number {
  const l3 =
    parsed.ipSrcOffset < 0 ? RssL3.OTHER : parsed.l3Kind === L3Kind.Ipv4 ? RssL3.IPV4 : RssL3.IPV6;
  let l4: number = RssL4.OTHER;
  if (parsed.srcPort >= 0) {
    if (parsed.l4Kind === L4Kind.Tcp) l4 = RssL4.TCP;
    else if (parsed.l4Kind === L4Kind.Udp) l4 = RssL4.UDP;
  }
  return rssShapeIndex(l3, l4, parsed.isFragment);
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
