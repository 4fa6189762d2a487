import type { ReceivedFrame } from "../driver/received-frame.js";
import type { HostServices } from "../host/host-services.js";
import { TICKS_PER_SECOND, type Ticks } from "../kernel/ticks.js";
import type { Port } from "./ports/port.js";

/**
 * Collects frames per destination port during one batch and hands each port its frames
 * in one call at the end, as VMSWITCH indicates a batch to each vNIC. Order within a
 * port is the order the frames were staged.
 */
export class Delivery {
  private readonly host: HostServices;
  private readonly touched: Port[] = [];

  constructor(host: HostServices) {
    this.host = host;
  }

  stage(port: Port, frame: ReceivedFrame): void {
    if (port.batch.length === 0) this.touched.push(port);
    port.batch.push(frame);
    port.counters.framesDelivered++;
    port.counters.bytesDelivered += frame.length;
  }

  /** Delivers every staged batch, stamped with the time the work so far ends. */
  flush(): void {
    const touched = this.touched;
    if (touched.length === 0) return;
    const at = this.busyEndTicks();
    for (const port of touched) {
      port.receiver(port, port.batch, at);
      port.batch.length = 0;
    }
    touched.length = 0;
  }

  /** Now plus the time of the cycles the running routine has been charged so far. */
  private busyEndTicks(): Ticks {
    const host = this.host;
    return host.nowTicks() + Math.ceil((host.chargedCycles() * TICKS_PER_SECOND) / host.clockHz);
  }
}
