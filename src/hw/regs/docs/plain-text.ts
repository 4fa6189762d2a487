/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  return line.length > 0 ? [...lines, line] : lines.length > 0 ? lines : [""];
}

/**
 * Rows in aligned columns, two spaces apart. The last column wraps to `width` with a
 * hanging indent, since that is where the long descriptions go.
 */
export function columns(rows: readonly (readonly string[])[], width: number): string[] {
  return columnRows(rows, width).flat();
}

/** As `columns`, but the lines of each row apart, for callers that put text between rows. */
export function columnRows(rows: readonly (readonly string[])[], width: number): string[][] {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  const indent = widths.reduce((sum, w) => sum + w + 2, 0);
  return rows.map((row) => {
    const lead = row
      .slice(0, -1)
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ");
    const prefix = row.length > 1 ? `${lead}  ` : "";
    const [first, ...rest] = wrap(row.at(-1) ?? "", Math.max(20, width - indent));
    return [`${prefix}${first}`.trimEnd(), ...rest.map((l) => `${" ".repeat(indent)}${l}`)];
  });
}
