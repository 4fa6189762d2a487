/**
 * A small checker for the report's HTML, written for the test and independent of the
 * renderer: tags must nest and close (void elements aside), and nothing may point off
 * the page.
 */

const VOID_ELEMENTS = new Set(["meta", "br", "hr", "img", "input", "link", "source", "wbr"]);

/** Problems with tag nesting; empty when every opened element closes in order. */
export function nestingProblems(html: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = html.replace(/^<!DOCTYPE html>/i, "");
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>]+(?:="[^"]*")?)*)\s*(\/?)>/g;
  let last = 0;
  for (const m of body.matchAll(tag)) {
    const between = body.slice(last, m.index);
    if (/[<>]/.test(between))
      problems.push(`stray < or > before offset ${m.index}: ${between.slice(0, 40)}`);
    last = m.index + m[0].length;
    const [, closing, rawName, , selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (closing === "/") {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}> at offset ${m.index}`);
    } else if (selfClosing !== "/" && !VOID_ELEMENTS.has(name)) {
      stack.push(name);
    }
  }
  if (/[<>]/.test(body.slice(last))) problems.push("stray < or > at the end");
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(" > ")}`);
  return problems;
}

/** Anything that would make the page reach beyond itself. */
export function externalReferences(html: string): string[] {
  const patterns = [
    /https?:/gi,
    /\/\/[a-z0-9.-]+\.[a-z]{2,}/gi,
    /\s(src|href|xlink:href)=/gi,
    /url\(/gi,
    /@import/gi,
    /<script/gi,
    /<link/gi,
    /<iframe/gi,
  ];
  return patterns.flatMap((p) => [...html.matchAll(p)].map((m) => m[0]));
}

/** How many times `needle` occurs in `haystack`. */
export function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}
