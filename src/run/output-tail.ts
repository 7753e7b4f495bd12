/** Default bound of captured output per stream: a chatty peer must not exhaust the harness. */
const OUTPUT_TAIL_BYTES = 1024 * 1024;

/** Keeps the last `limit` bytes written to it, and whether anything was dropped. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private dropped = 0;

  constructor(private readonly limit: number = OUTPUT_TAIL_BYTES) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.limit && this.chunks.length > 0) {
      const excess = this.bytes - this.limit;
      const first = this.chunks[0]!;
      if (first.length <= excess) {
        this.chunks.shift();
        this.bytes -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.bytes -= excess;
        this.dropped += excess;
      }
    }
  }

  /** bytes dropped from the front */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** The kept text; a note says how much came before it, so a reader never mistakes a tail for the whole. */
  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `[… ${this.dropped} earlier bytes not kept]\n${body}` : body;
  }
}
