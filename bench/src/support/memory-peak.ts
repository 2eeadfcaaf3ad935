/** The highest resident set size seen, sampled every 50 ms while running. */
export class MemoryPeak {
  peak = process.memoryUsage().rss;
  private readonly timer = setInterval(() => this.sample(), 50);
  sample(): number {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return this.peak;
  }
  stop(): number {
    clearInterval(this.timer);
    return this.sample();
  }
}
