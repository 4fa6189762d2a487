import { describe, expect, it } from "vitest";
import { choice, onePositional, parseArgs, positiveMs } from "../../src/cli/args.js";
import { UsageError } from "../../src/cli/usage-error.js";

const KINDS = { policy: "value", json: "flag", "duration-ms": "value" } as const;
const parse = (argv: string[]) => parseArgs("run", argv, KINDS);

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("parseArgs", () => {
  it("takes values after a space or an equals sign, flags alone, positionals anywhere", () => {
    const a = parse(["--policy", "none", "x.json", "--json", "--duration-ms=5"]);
    expect(a.positionals).toEqual(["x.json"]);
    expect(Object.fromEntries(a.values)).toEqual({ policy: "none", "duration-ms": "5" });
    expect([...a.flags]).toEqual(["json"]);
  });

  it("treats everything after -- as positional", () => {
    expect(parse(["--", "--json"]).positionals).toEqual(["--json"]);
  });

  it("names the option in every error", () => {
    expect(usageError(() => parse(["--nope"]))).toBe("run: unknown option '--nope'");
    expect(usageError(() => parse(["-p"]))).toBe("run: unknown option '-p'");
    expect(usageError(() => parse(["--policy"]))).toBe("run: option '--policy' needs a value");
    expect(usageError(() => parse(["--policy="]))).toBe("run: option '--policy' needs a value");
    expect(usageError(() => parse(["--policy", "--json"]))).toBe(
      "run: option '--policy' needs a value",
    );
    expect(usageError(() => parse(["--json=yes"]))).toBe("run: option '--json' takes no value");
    expect(usageError(() => parse(["--json", "--json"]))).toBe("run: option '--json' given twice");
  });

  it("checks positionals, choices and durations", () => {
    expect(usageError(() => onePositional("run", parse([]), "SCENARIO"))).toBe(
      "run: missing SCENARIO",
    );
    expect(usageError(() => onePositional("run", parse(["a", "b"]), "SCENARIO"))).toBe(
      "run: unexpected argument 'b'",
    );
    const policies = ["none", "static", "dynamic"] as const;
    expect(choice("run", parse(["--policy", "static"]), "policy", policies)).toBe("static");
    expect(choice("run", parse([]), "policy", policies)).toBeUndefined();
    expect(usageError(() => choice("run", parse(["--policy", "x"]), "policy", policies))).toBe(
      "run: --policy must be one of none, static, dynamic (got 'x')",
    );
    expect(positiveMs("run", parse(["--duration-ms", "2.5"]), "duration-ms")).toBe(2.5);
    for (const bad of ["0", "-1", "abc", "1e400", "0x10", " "]) {
      expect(
        usageError(() => positiveMs("run", parse([`--duration-ms=${bad}`]), "duration-ms")),
      ).toMatch(/--duration-ms must be a positive number of milliseconds/);
    }
    expect(positiveMs("run", parse(["--duration-ms=100"]), "duration-ms", 100)).toBe(100);
    expect(
      usageError(() => positiveMs("run", parse(["--duration-ms=101"]), "duration-ms", 100)),
    ).toBe("run: --duration-ms must be a positive number of milliseconds up to 100 (got '101')");
  });
});
