/**
 * `(index + n) % size` for integers with a non-negative sum, without a division when it is
 * below twice the size (always, for an index in the ring and a step of at most its size):
 * an integer division by a size not known in advance costs tens of cycles, and the data
 * path steps several ring positions per frame.
 */
export function ringAdd(index: number, n: number, size: number): number {
  const sum = index + n;
  if (sum < size) return sum;
  const once = sum - size;
  return once < size ? once : sum % size;
}
