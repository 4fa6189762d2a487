import { DESCRIPTOR_FORMATS } from "../../desc/formats.js";
import type { DeviceParams } from "../../device-params.js";
import { buildRegisterMap } from "../map/index.js";
import { renderCHeader } from "./c-header.js";
import { renderRegisterMarkdown } from "./markdown.js";

/**
 * A file generated from the register map and the descriptor formats, at `path` relative
 * to the repository root.
 */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Every file `npm run docs` writes, rendered for `params`: the registers, then the
 * descriptor formats, in each. One list, shared by the tool and the staleness test, so
 * the two cannot disagree about what is generated where.
 */
export function renderGeneratedFiles(params: DeviceParams): GeneratedFile[] {
  const map = buildRegisterMap(params);
  const formats = DESCRIPTOR_FORMATS;
  return [
    { path: "docs/registers.md", content: renderRegisterMarkdown(map, params, formats) },
    { path: "include/nicsim_regs.h", content: renderCHeader(map, params, formats) },
  ];
}
