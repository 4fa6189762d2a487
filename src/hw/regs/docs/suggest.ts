/** Levenshtein distance: how many one-character edits turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitute);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Up to `limit` of `candidates` close to `wanted` (upper case): a typo (edit distance
 * at most a third of the length, at least 1) or a name that contains it or that it
 * contains (three characters or more, so short names do not match everything);
 * nearest first, then alphabetically, so the answer is stable.
 */
export function closeMatches(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const maxEdits = Math.max(1, Math.floor(wanted.length / 3));
  return (
    candidates
      .map((name) => ({ name, distance: editDistance(wanted, name) }))
      .filter(({ name, distance }) => distance <= maxEdits || contains(name, wanted))
      // Code-unit order, not localeCompare: the answer must not depend on the locale.
      .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, limit)
      .map(({ name }) => name)
  );
}

function contains(a: string, b: string): boolean {
  return (b.length >= 3 && a.includes(b)) || (a.length >= 3 && b.includes(a));
}
