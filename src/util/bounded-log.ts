/**
 * The last `capacity` items of a stream, and how many there were in all. For logs and
 * traces that must never grow without bound however long a run goes on.
 */
export class BoundedLog<T> {
  readonly capacity: number;
  private readonly items: T[] = [];
  private next = 0;
  /** Items added, kept or not. */
  total = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  add(item: T): void {
    this.total++;
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The kept items, oldest first. */
  recent(): T[] {
    if (this.items.length < this.capacity) return [...this.items];
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}
