/**
 * Tallies kept across a whole property run of the NIC model test, so the test can assert
 * that every command ran and every interesting outcome happened (nothing is silently
 * unreachable).
 */

/** How often each command actually ran (its precondition held). */
export const commandCounts = new Map<string, number>();

/** How often each outcome worth reaching happened (a frame dropped for each reason...). */
export const outcomeCounts = new Map<string, number>();

export function tally(counts: Map<string, number>, name: string, n = 1): void {
  if (n > 0) counts.set(name, (counts.get(name) ?? 0) + n);
}

export function outcome(name: string, n = 1): void {
  tally(outcomeCounts, name, n);
}
