import { resolveDeviceParams } from "../../hw/device-params.js";
import { renderRegisterText } from "../../hw/regs/docs/terminal.js";
import { buildRegisterMap } from "../../hw/regs/map/index.js";
import { UsageError } from "../usage-error.js";

/** `nicsim regs [NAME]`: the register reference on the terminal. */
export function runRegs(args: readonly string[], out: (line: string) => void): number {
  const [name, extra] = args;
  if (extra !== undefined) throw new UsageError(`regs: unexpected argument '${extra}'`);
  if (name?.startsWith("-")) throw new UsageError(`regs: unknown option '${name}'`);
  const map = buildRegisterMap(resolveDeviceParams());
  const width = Math.max(60, Math.min(process.stdout.columns ?? 100, 120));
  const result = renderRegisterText(map, name, width);
  if (!result.ok) throw new UsageError(result.message);
  out(result.text.replace(/\n$/, ""));
  return 0;
}
