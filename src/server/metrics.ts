/**
 * Prometheus metrics of one server instance, in its own registry (so that several servers
 * in one process, as in tests, do not share counters).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route' | 'status'>;
  readonly operations: Counter<'kind' | 'status'>;

  /** `queueDepth` and `running` are read at scrape time. */
  constructor(probes: { queueDepth: () => number; running: () => number }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'stackpilot_' });
    this.requests = new Counter({
      name: 'stackpilot_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'stackpilot_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.operations = new Counter({
      name: 'stackpilot_operations_total',
      help: 'Finished operations by kind and final status',
      labelNames: ['kind', 'status'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'stackpilot_operation_queue_depth',
      help: 'Operations waiting for their stack',
      registers: [this.registry],
      collect() {
        this.set(probes.queueDepth());
      },
    });
    new Gauge({
      name: 'stackpilot_operations_running',
      help: 'Operations running now',
      registers: [this.registry],
      collect() {
        this.set(probes.running());
      },
    });
  }

  /** Records one finished request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }
}
