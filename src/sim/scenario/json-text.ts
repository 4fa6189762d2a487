/**
 * JSON text to a value, with errors a person can act on: the line and column of the first
 * syntax error (V8's messages do not always give a position), and duplicate keys, which
 * JSON.parse silently resolves to the last one (a scenario with `"vlan"` twice is a mistake).
 */

/** A syntax problem at a line and column (both from 1). */
export interface JsonSyntaxIssue {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Parses `source`; returns the value, or the problems found (syntax error, duplicate keys). */
export function parseJsonText(
  source: string,
): { ok: true; value: unknown } | { ok: false; issues: JsonSyntaxIssue[] } {
  const scanner = new Scanner(source);
  try {
    scanner.document();
  } catch (e) {
    if (!(e instanceof SyntaxIssue)) throw e;
    return { ok: false, issues: [scanner.at(e.offset, e.message)] };
  }
  if (scanner.duplicates.length > 0) return { ok: false, issues: scanner.duplicates };
  // The scanner accepted the text, so JSON.parse does too and builds the value.
  return { ok: true, value: JSON.parse(source) };
}

class SyntaxIssue extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/** A recursive-descent checker of RFC 8259 JSON; it builds nothing, it only finds errors. */
class Scanner {
  readonly duplicates: JsonSyntaxIssue[] = [];
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.space();
    if (this.pos >= this.text.length) this.fail("the file is empty: expected a JSON object");
    this.value();
    this.space();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.found()} after the JSON value`);
  }

  /** Line and column of `offset`. */
  at(offset: number, message: string): JsonSyntaxIssue {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < this.text.length; i++) {
      if (this.text[i] === "\n") {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: offset - lineStart + 1, message };
  }

  private value(): void {
    const c = this.text[this.pos];
    if (c === "{") this.object();
    else if (c === "[") this.array();
    else if (c === '"') this.string();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) this.number();
    else if (!this.word("true") && !this.word("false") && !this.word("null")) {
      this.fail(`expected a value, found ${this.found()}`);
    }
  }

  private object(): void {
    this.pos++;
    const seen = new Map<string, number>();
    this.space();
    if (this.peek() === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.space();
      if (this.peek() !== '"') {
        this.fail(`expected a property name in double quotes, found ${this.found()}`);
      }
      const keyAt = this.pos;
      const key = this.string();
      const first = seen.get(key);
      if (first !== undefined) {
        const was = this.at(first, "");
        this.duplicates.push(
          this.at(keyAt, `duplicate key ${JSON.stringify(key)} (first at line ${was.line})`),
        );
      } else {
        seen.set(key, keyAt);
      }
      this.space();
      this.expect(":", "after a property name");
      this.space();
      this.value();
      this.space();
      if (this.peek() === ",") {
        this.pos++;
        continue;
      }
      this.expect("}", "or ',' after a property value");
      return;
    }
  }

  private array(): void {
    this.pos++;
    this.space();
    if (this.peek() === "]") {
      this.pos++;
      return;
    }
    for (;;) {
      this.space();
      this.value();
      this.space();
      if (this.peek() === ",") {
        this.pos++;
        continue;
      }
      this.expect("]", "or ',' after a list item");
      return;
    }
  }

  /** A string literal; returns its value. */
  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail("unterminated string", start);
      if (c === '"') break;
      if (c < " ") this.fail("a control character inside a string (write \\n, \\t...)");
      if (c === "\\") {
        const e = this.text[this.pos + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
            this.fail("a \\u escape needs four hex digits");
          }
          this.pos += 6;
          continue;
        }
        if (e === undefined || !ESCAPES.has(e)) this.fail(`bad escape \\${e ?? ""}`);
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) this.fail(`expected a number, found ${this.found()}`);
    this.pos += m[0].length;
    const next = this.peek();
    if (next !== undefined && /[0-9.eE+-]/.test(next)) {
      this.fail("a malformed number (no leading zeros, digits after '.' and 'e')");
    }
  }

  private word(w: string): boolean {
    if (!this.text.startsWith(w, this.pos)) return false;
    this.pos += w.length;
    return true;
  }

  private space(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private expect(c: string, context: string): void {
    if (this.peek() !== c) this.fail(`expected '${c}' ${context}, found ${this.found()}`);
    this.pos++;
  }

  private found(): string {
    const c = this.peek();
    if (c === undefined) return "the end of the file";
    const word = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos, this.pos + 20));
    return word !== null ? `'${word[0]}'` : `'${c}'`;
  }

  private fail(message: string, offset = this.pos): never {
    throw new SyntaxIssue(offset, message);
  }
}
