/**
 * Number formatting for the terminal table and the report. Locale-free on purpose:
 * `toLocaleString` depends on the machine, and the outputs must be byte-identical
 * for the same run everywhere.
 */

/** An integer with comma thousands separators: 1234567 -> "1,234,567". */
export function formatInteger(n: number): string {
  const rounded = Math.round(n);
  const digits = Math.abs(rounded).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return rounded < 0 ? `-${grouped}` : grouped;
}

/** A number with `digits` decimals and grouped thousands: 12345.678 -> "12,345.68". */
export function formatDecimal(n: number, digits: number): string {
  if (!Number.isFinite(n)) return String(n);
  const fixed = Math.abs(n).toFixed(digits);
  const [whole = "0", fraction] = fixed.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = n < 0 && Number(fixed) !== 0 ? "-" : "";
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

/** A share (0..1) as a percentage with one decimal: 0.2034 -> "20.3". */
export function formatPercent(share: number): string {
  return formatDecimal(share * 100, 1);
}

/** Nanoseconds as microseconds with one decimal, or "-" when there is no value. */
export function formatNsAsUs(ns: number | null): string {
  return ns === null ? "-" : formatDecimal(ns / 1000, 1);
}

/** A duration in milliseconds, short: 250 -> "250 ms", 1500 -> "1.5 s". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${trimZeros((ms / 1000).toFixed(3))} s`;
  return `${trimZeros(ms.toFixed(3))} ms`;
}

function trimZeros(fixed: string): string {
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}
