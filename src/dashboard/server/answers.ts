/**
 * serve's answer cache: JSON answers by data version and question. A snapshot never changes, so
 * an answer for (version, question) is good until the next snapshot; a request for an answer
 * being computed shares its promise, and a failed computation is forgotten so it can be retried.
 */
const DEFAULT_ENTRIES = 128;

export class AnswerCache {
  private readonly entries = new Map<string, Promise<string>>();

  constructor(private readonly size = DEFAULT_ENTRIES) {}

  get(version: number, key: string, compute: () => Promise<string>): Promise<string> {
    const id = `${version}|${key}`;
    let hit = this.entries.get(id);
    if (hit) {
      // Least recently used goes first: a hit moves to the end.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value!);
    hit = compute();
    this.entries.set(id, hit);
    hit.catch(() => this.entries.delete(id));
    return hit;
  }
}
