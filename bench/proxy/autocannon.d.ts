// The part of autocannon's programmatic API the benchmarks use (the package ships no types).
// Ambient: every bench/ file that imports 'autocannon' sees these.
declare module 'autocannon' {
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    /** requests only: how many were sent */
    sent: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
  }
  interface Result {
    requests: Histogram;
    throughput: Histogram;
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  interface RequestData {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    amount?: number;
    /** Per-request set-up (e.g. a fresh body each time). */
    requests?: { setupRequest?: (req: RequestData) => RequestData }[];
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
