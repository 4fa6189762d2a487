import type { DeviceParams } from "../../device-params.js";
import { RegisterMap } from "../register-map.js";
import { DEVICE_GROUP, deviceRegisters } from "./device.js";

/** Size of the memory BAR: 128 KiB, as the 82599's BAR0. */
export const BAR_BYTES = 0x2_0000;

/**
 * The whole register map for a device with `params`. Each block of the device adds its
 * registers here; block base offsets live in the block's own file.
 */
export function buildRegisterMap(params: DeviceParams): RegisterMap {
  return new RegisterMap([...deviceRegisters(params)], [DEVICE_GROUP], BAR_BYTES);
}
