/**
 * The processors a VMQ policy may place queues on, as an administrator configures them on a
 * Hyper-V host: a base processor, a maximum count, physical cores only when hyper-threading
 * is on. The first processor of the set is the *home* processor, where dynamic VMQ starts
 * every queue and packs them back to when load falls.
 *
 * Everything here is plain data and pure functions (control path).
 */

export interface ProcessorSetOptions {
  /** Logical processors on the host. */
  readonly processors: number;
  /** First logical processor the set may use (default 0). Must be even with hyper-threading. */
  readonly baseProcessor?: number;
  /** Most processors (cores, with hyper-threading) in the set (default: all from the base). */
  readonly maxProcessors?: number;
  /**
   * When true, logical processors 2k and 2k+1 are the two threads of one core, and only the
   * even-numbered one of each core is used (default false).
   */
  readonly hyperThreading?: boolean;
  /** Logical processors per NUMA node, counted from processor 0 (default: one node for all). */
  readonly numaNodeSize?: number;
}

export interface ProcessorSet {
  /** The allowed processors, ascending from the base. Never empty. */
  readonly processors: readonly number[];
  /** The first processor of the set. */
  readonly home: number;
  /** Logical processors per NUMA node: processor p lives on node floor(p / numaNodeSize). */
  readonly numaNodeSize: number;
}

/**
 * Added to the distance between processors on different NUMA nodes, so that every processor
 * on the same node is closer than any processor on another node (processor numbers on a
 * Windows host stay far below this).
 */
export const CROSS_NODE_DISTANCE = 1 << 20;

/** Resolves and checks the options; throws a RangeError naming the first bad option. */
export function resolveProcessorSet(options: ProcessorSetOptions): ProcessorSet {
  const host = options.processors;
  requireInteger("processors", host, 1, CROSS_NODE_DISTANCE);
  const hyperThreading = options.hyperThreading ?? false;
  if (hyperThreading && host % 2 !== 0) {
    throw new RangeError(`processors must be even with hyperThreading (got ${host})`);
  }
  const base = options.baseProcessor ?? 0;
  requireInteger("baseProcessor", base, 0, host - 1);
  if (hyperThreading && base % 2 !== 0) {
    throw new RangeError(`baseProcessor must be even with hyperThreading (got ${base})`);
  }
  const max = options.maxProcessors ?? host;
  requireInteger("maxProcessors", max, 1, Number.MAX_SAFE_INTEGER);
  const numaNodeSize = options.numaNodeSize ?? host;
  requireInteger("numaNodeSize", numaNodeSize, 1, Number.MAX_SAFE_INTEGER);
  if (hyperThreading && numaNodeSize % 2 !== 0) {
    // An odd node size would put the two threads of one core on different nodes.
    throw new RangeError(`numaNodeSize must be even with hyperThreading (got ${numaNodeSize})`);
  }
  const stride = hyperThreading ? 2 : 1;
  const processors: number[] = [];
  for (let p = base; p < host && processors.length < max; p += stride) processors.push(p);
  return Object.freeze({
    processors: Object.freeze(processors),
    home: base,
    numaNodeSize,
  });
}

/** The NUMA node of a logical processor. */
export function numaNodeOf(set: ProcessorSet, processor: number): number {
  return Math.floor(processor / set.numaNodeSize);
}

/**
 * How far apart two processors are, for "closest first": any processor on the same NUMA node
 * is closer than any on another node; within that, |a - b|. Equal distances are broken by
 * the lower processor number (see {@link closestProcessors}).
 */
export function processorDistance(set: ProcessorSet, a: number, b: number): number {
  requireInteger("a", a, 0, Number.MAX_SAFE_INTEGER);
  requireInteger("b", b, 0, Number.MAX_SAFE_INTEGER);
  const crossNode = numaNodeOf(set, a) === numaNodeOf(set, b) ? 0 : CROSS_NODE_DISTANCE;
  return crossNode + Math.abs(a - b);
}

/** The processors of the set other than `from`, closest first, ties to the lower number. */
export function closestProcessors(set: ProcessorSet, from: number): number[] {
  return set.processors
    .filter((p) => p !== from)
    .sort((x, y) => processorDistance(set, from, x) - processorDistance(set, from, y) || x - y);
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${name} must be an integer ${range} (got ${value})`);
  }
}
