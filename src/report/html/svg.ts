import { escapeHtml } from "./escape.js";

/** A point in SVG user units. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Rounds a coordinate to 0.1 unit: finer is invisible and only bloats the page. */
export function coord(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? "0" : String(r);
}

/** An inline `<svg>` (no xmlns: HTML5 parses inline SVG without it, and no URL appears). */
export function svg(width: number, height: number, label: string, body: readonly string[]): string {
  return (
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-label="${escapeHtml(label)}">${body.join("")}</svg>`
  );
}

export function rect(
  x: number,
  y: number,
  width: number,
  height: number,
  fill: string,
  title?: string,
): string {
  const attrs = `x="${coord(x)}" y="${coord(y)}" width="${coord(width)}" height="${coord(height)}" fill="${fill}"`;
  return title === undefined
    ? `<rect ${attrs}/>`
    : `<rect ${attrs}><title>${escapeHtml(title)}</title></rect>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, cls: string): string {
  return `<line x1="${coord(x1)}" y1="${coord(y1)}" x2="${coord(x2)}" y2="${coord(y2)}" class="${cls}"/>`;
}

export type Anchor = "start" | "middle" | "end";

export function text(
  x: number,
  y: number,
  content: string,
  anchor: Anchor = "start",
  cls = "",
): string {
  const klass = cls === "" ? "" : ` class="${cls}"`;
  return `<text x="${coord(x)}" y="${coord(y)}" text-anchor="${anchor}"${klass}>${escapeHtml(content)}</text>`;
}

/** A filled polygon, with a tooltip. */
export function polygon(points: readonly Point[], fill: string, title: string): string {
  return `<polygon points="${pointList(points)}" fill="${fill}"><title>${escapeHtml(title)}</title></polygon>`;
}

/** An open line through `points`. */
export function polyline(points: readonly Point[], stroke: string, title: string): string {
  return `<polyline points="${pointList(points)}" fill="none" stroke="${stroke}" stroke-width="1.5"><title>${escapeHtml(title)}</title></polyline>`;
}

function pointList(points: readonly Point[]): string {
  return simplify(points)
    .map((p) => `${coord(p.x)},${coord(p.y)}`)
    .join(" ");
}

/**
 * Drops points in the middle of a straight horizontal or vertical run: step charts of
 * idle processors are long flat runs, and the report stays small without them.
 */
export function simplify(points: readonly Point[]): Point[] {
  const kept: Point[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const before = kept[kept.length - 1];
    const after = points[i + 1];
    if (before !== undefined && after !== undefined) {
      const flat = same(before.y, p.y) && same(p.y, after.y) && between(before.x, p.x, after.x);
      const upright = same(before.x, p.x) && same(p.x, after.x) && between(before.y, p.y, after.y);
      if (flat || upright) continue;
    }
    kept.push(p);
  }
  return kept;
}

/** True when `m` lies between `a` and `b`: dropping it does not fold the line back. */
function between(a: number, m: number, b: number): boolean {
  return (a <= m && m <= b) || (b <= m && m <= a);
}

function same(a: number, b: number): boolean {
  return coord(a) === coord(b);
}
