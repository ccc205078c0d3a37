/**
 * Rows per second, shared by every stream of one sync (token bucket, one second of burst).
 * `take(n)` spends n rows and answers how long to wait before reading more.
 */
export class Throttle {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  take(n: number): number {
    if (!this.enabled) return 0;
    const now = performance.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
  }
}
