/** Jittered exponential backoff for reconnecting ("full jitter"). */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly minMs = 500,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay: uniform in [min, min(max, min·2^attempt)]. */
  next(): number {
    const cap = Math.min(this.maxMs, this.minMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(this.minMs + this.random() * (cap - this.minMs));
  }

  reset(): void {
    this.attempt = 0;
  }
}
