import type { DeviceParams } from "../../device-params.js";
import { RegisterMap } from "../register-map.js";
import { DEVICE_GROUP, deviceRegisters } from "./device.js";
import { FILTER_GROUP, filterRegisters } from "./filters.js";
import { INTERRUPT_GROUP, interruptRegisters } from "./interrupts.js";
import { MAC_GROUP, macRegisters } from "./mac.js";
import { MSIX_GROUP, msixRegisters } from "./msix.js";
import { RSS_GROUP, rssRegisters } from "./rss.js";
import { RX_QUEUE_GROUP, rxQueueRegisters } from "./rx-queues.js";
import { TX_QUEUE_GROUP, txQueueRegisters } from "./tx-queues.js";

/** Size of the memory BAR: 128 KiB, as the 82599's BAR0. */
export const BAR_BYTES = 0x2_0000;

/**
 * The whole register map for a device with `params`. Each block of the device adds its
 * registers here; block base offsets live in the block's own file.
 */
export function buildRegisterMap(params: DeviceParams): RegisterMap {
  return new RegisterMap(
    [
      ...deviceRegisters(params),
      ...interruptRegisters(params),
      ...rxQueueRegisters(params),
      ...macRegisters(),
      ...txQueueRegisters(params),
      ...rssRegisters(params),
      ...filterRegisters(params),
      ...msixRegisters(params),
    ],
    [
      DEVICE_GROUP,
      INTERRUPT_GROUP,
      RX_QUEUE_GROUP,
      MAC_GROUP,
      TX_QUEUE_GROUP,
      RSS_GROUP,
      FILTER_GROUP,
      MSIX_GROUP,
    ],
    BAR_BYTES,
  );
}
