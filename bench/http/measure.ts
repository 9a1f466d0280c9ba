// One autocannon run against one page, reduced to the figures the table prints.
import autocannon from 'autocannon';

export interface Load {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  /** The answer a healthy request gets: 200 for pages, 303 for a saved form. */
  expect?: number;
}

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** What the errors were: "12 timeouts", "3 × 500"... */
  errorKinds: string;
  bytes: number;
  requests: number;
}

export async function measure(load: Load): Promise<Figures> {
  const result = await autocannon({
    url: load.url,
    method: load.method ?? 'GET',
    headers: load.headers,
    body: load.body,
    connections: load.connections,
    duration: load.seconds,
    timeout: 10,
  });
  const expected = load.expect ?? 200;
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  const unexpected = Object.entries(stats)
    .filter(([code]) => Number(code) !== expected)
    .reduce((sum, [, s]) => sum + s.count, 0);
  const requests = result.requests.total;
  const kinds = [
    result.timeouts ? `${result.timeouts} timeouts` : '',
    result.errors - result.timeouts > 0 ? `${result.errors - result.timeouts} connection errors` : '',
    ...Object.entries(stats)
      .filter(([code]) => Number(code) !== expected)
      .map(([code, s]) => `${s.count} × ${code}`),
  ].filter(Boolean);
  return {
    errorKinds: kinds.join(', '),
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // autocannon counts a timeout among its errors too.
    errors: result.errors + unexpected,
    bytes: requests > 0 ? Math.round(result.throughput.total / requests) : 0,
    requests,
  };
}

/** A short run first, so caches, JIT and connection pools are warm before the figures count. */
export async function warmThenMeasure(load: Load): Promise<Figures> {
  await measure({ ...load, seconds: Math.min(2, load.seconds) });
  return measure(load);
}
