import type { Timer } from "./timer.js";

/**
 * A binary min-heap of timers ordered by (atTicks, seq). Each timer records its own
 * index, so removal and re-keying of an arbitrary timer are O(log n) without search.
 */
export class TimerHeap {
  private readonly items: Timer[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The earliest timer, or undefined when empty. */
  peek(): Timer | undefined {
    return this.items[0];
  }

  push(timer: Timer): void {
    timer.heapIndex = this.items.length;
    this.items.push(timer);
    this.siftUp(timer.heapIndex);
  }

  /** Removes and returns the earliest timer. */
  pop(): Timer | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Removes `timer`, which must be in this heap. */
  remove(timer: Timer): void {
    this.removeAt(timer.heapIndex);
  }

  /** Restores order after `timer`'s key changed in place. */
  update(timer: Timer): void {
    this.siftUp(timer.heapIndex);
    this.siftDown(timer.heapIndex);
  }

  private removeAt(index: number): void {
    const items = this.items;
    const removed = items[index]!;
    const last = items.pop()!;
    removed.heapIndex = -1;
    if (last === removed) return;
    items[index] = last;
    last.heapIndex = index;
    this.siftUp(index);
    this.siftDown(last.heapIndex);
  }

  private siftUp(start: number): void {
    const items = this.items;
    const timer = items[start]!;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!before(timer, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = timer;
    timer.heapIndex = index;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const n = items.length;
    const timer = items[start]!;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(items[right]!, items[left]!)) child = right;
      const childTimer = items[child]!;
      if (!before(childTimer, timer)) break;
      items[index] = childTimer;
      childTimer.heapIndex = index;
      index = child;
    }
    items[index] = timer;
    timer.heapIndex = index;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.atTicks < b.atTicks || (a.atTicks === b.atTicks && a.seq < b.seq);
}
