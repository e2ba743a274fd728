// Timings of one streamed generation, as a line for the page: tokens, time to first token, speed.

export class StreamStats {
  constructor() {
    this.started = performance.now();
    this.firstToken = null;
    this.finish = null;
    this.usage = null;
  }

  tokenArrived() {
    this.firstToken ??= performance.now();
  }

  /** @param shown tokens shown so far, used until the server's usage arrives */
  describe(shown) {
    const parts = [];
    const tokens = this.usage?.completion_tokens ?? shown;
    parts.push(`${tokens} token${tokens === 1 ? '' : 's'}`);
    if (this.firstToken !== null) {
      const elapsed = (performance.now() - this.firstToken) / 1000;
      parts.push(`first after ${Math.round(this.firstToken - this.started)} ms`);
      if (elapsed > 0.05 && tokens > 1) {
        parts.push(`${(tokens / elapsed).toFixed(1)} tok/s`);
      }
    }
    if (this.usage) {
      parts.push(`prompt ${this.usage.prompt_tokens}`);
    }
    if (this.finish) {
      parts.push(`finish: ${this.finish}`);
    }
    return parts.join(' · ');
  }
}
