import { formatMac, type MacAddress } from "../../driver/filters.js";
import { Rng } from "../../kernel/rng.js";
import { type Decoder, describe, issueText } from "./decode.js";

/** Hyper-V's OUI: the dynamic MAC addresses it hands to VMs start with it. */
const HYPER_V_OUI = [0x00, 0x15, 0x5d] as const;
/** The random stream (of the scenario's seed) generated addresses come from. */
const MAC_STREAM = 1;

const MAC_TEXT = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;

/** Six bytes from "aa:bb:cc:dd:ee:ff" (or with dashes). */
export function macBytes(text: string): MacAddress {
  return text.split(/[:-]/).map((h) => Number.parseInt(h, 16));
}

/** A station (unicast, non-zero) MAC address written as six hex bytes; returned lower case. */
export const macText: Decoder<string> = (value, path, issues) => {
  if (typeof value !== "string" || !MAC_TEXT.test(value)) {
    issues.push(issueText(path, describe(value), 'a MAC address like "00:15:5d:01:02:03"'));
    return undefined;
  }
  const bytes = macBytes(value);
  if ((bytes[0]! & 1) !== 0) {
    issues.push(
      issueText(path, describe(value), "a unicast address (even first byte), not a group address"),
    );
    return undefined;
  }
  if (bytes.every((b) => b === 0)) {
    issues.push(issueText(path, describe(value), "a station address, not all zeros"));
    return undefined;
  }
  return formatMac(bytes);
};

/**
 * Addresses for VMs the scenario gave none: Hyper-V's OUI and three bytes from the seed,
 * skipping any address in `taken` (lower-case text), so the same seed gives the same
 * addresses and none collides with an explicit one.
 */
export function generateMacs(seed: number, count: number, taken: ReadonlySet<string>): string[] {
  const rng = new Rng(seed).fork(MAC_STREAM);
  const used = new Set(taken);
  const out: string[] = [];
  while (out.length < count) {
    const mac = formatMac([...HYPER_V_OUI, rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)]);
    if (used.has(mac)) continue;
    used.add(mac);
    out.push(mac);
  }
  return out;
}
