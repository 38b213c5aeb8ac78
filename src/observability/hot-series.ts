/**
 * Metric series for the hot path: resolved once per label set, then one field update per event.
 * prom-client validates and hashes the label object on every `inc`/`observe` (about half a
 * microsecond each, four per verify request); these series keep plain numbers instead and hand
 * them over when Prometheus scrapes:
 * - a counter series through the Counter's own `collect` hook (public API): the delta since the
 *   last scrape is added with `inc`;
 * - a histogram series lives in a `SeriesHistogram`, a metric registered on its own whose `get()`
 *   reports exactly what a prom-client Histogram with the same observations would.
 * Label values must be bounded (route names, enums): each label set is a series kept forever.
 */
import { Counter, type CounterConfiguration, type LabelValues, type Metric, type MetricValueWithName, type Registry } from 'prom-client';

export interface CounterSeries {
  inc(): void;
}

export interface HistogramSeries {
  observe(value: number): void;
}

/** A Counter whose series are counted in plain numbers and added to the Counter at scrape time. */
export class SeriesCounter<T extends string> extends Counter<T> {
  readonly #series: Array<{ labels: LabelValues<T>; count: number; reported: number }> = [];

  constructor(config: Omit<CounterConfiguration<T>, 'collect'>) {
    super({
      ...config,
      collect: () => {
        for (const series of this.#series) {
          if (series.count === series.reported) continue;
          this.inc(series.labels, series.count - series.reported);
          series.reported = series.count;
        }
      },
    });
  }

  /** A new series handle; keep it — each call makes another. */
  series(labels: LabelValues<T>): CounterSeries {
    const series = { labels, count: 0, reported: 0 };
    this.#series.push(series);
    return {
      inc: () => {
        series.count++;
      },
    };
  }
}

interface BucketCounts {
  labels: LabelValues<string>;
  /** Per bucket (not cumulative); the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export interface SeriesHistogramConfig<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A histogram made of series only (no `observe(labels, value)`), registered as a metric of its own:
 * the registry reads it through `get()`, the public shape every prom-client metric returns.
 */
export class SeriesHistogram<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: readonly number[];
  readonly #series: BucketCounts[] = [];

  constructor(config: SeriesHistogramConfig<T>) {
    this.name = config.name;
    this.help = config.help;
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
    // prom-client types a metric as one of its own classes; the registry itself only calls get() and reset().
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** A new series handle; keep it — each call makes another. */
  series(labels: LabelValues<T>): HistogramSeries {
    const bounds = this.#bounds;
    const series: BucketCounts = { labels, counts: new Float64Array(bounds.length + 1), sum: 0, count: 0 };
    this.#series.push(series);
    return {
      observe(value) {
        let i = 0;
        while (i < bounds.length && value > bounds[i]) i++;
        series.counts[i]++;
        series.sum += value;
        series.count++;
      },
    };
  }

  /** Cumulative `_bucket` values with `le` first, then `+Inf`, `_sum` and `_count`, as prom-client reports a histogram. */
  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: MetricValueWithName<string>[] }> {
    const values: MetricValueWithName<string>[] = [];
    for (const series of this.#series) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += series.counts[i];
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...series.labels }, value: cumulative });
      });
      values.push(
        { metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...series.labels }, value: series.count },
        { metricName: `${this.name}_sum`, labels: series.labels, value: series.sum },
        { metricName: `${this.name}_count`, labels: series.labels, value: series.count },
      );
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    for (const series of this.#series) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
