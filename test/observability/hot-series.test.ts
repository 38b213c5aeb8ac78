/**
 * Hot-path series must be indistinguishable from prom-client's own metrics to a scraper: the same
 * observations give byte-identical exposition text (Prometheus text format 0.0.4).
 */
import t from 'tap';
import { Counter, Histogram, Registry } from 'prom-client';
import { SeriesCounter, SeriesHistogram } from '../../src/observability/hot-series.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS = [0, 0.0005, 0.001, 0.0011, 0.05, 0.1, 0.7, 1, 3, 42];

t.test('SeriesHistogram: the same exposition as a prom-client Histogram, buckets cumulative with le first', async (t) => {
  const plainRegistry = new Registry();
  const hotRegistry = new Registry();
  const config = { name: 'h_seconds', help: 'A histogram.', labelNames: ['route', 'kind'] as const, buckets: BUCKETS };
  const plain = new Histogram({ ...config, registers: [plainRegistry] });
  const hot = new SeriesHistogram({ ...config, registers: [hotRegistry] });
  const a = hot.series({ route: 'a', kind: 'x' });
  const b = hot.series({ route: 'b', kind: 'y' });
  for (const v of OBSERVATIONS) {
    plain.observe({ route: 'a', kind: 'x' }, v);
    a.observe(v);
  }
  plain.observe({ route: 'b', kind: 'y' }, 0.02);
  b.observe(0.02);
  const text = await hotRegistry.metrics();
  t.equal(text, await plainRegistry.metrics());
  t.match(text, /h_seconds_bucket\{le="0.01",route="a",kind="x"\} 4\n/);
  t.match(text, /h_seconds_bucket\{le="\+Inf",route="a",kind="x"\} 10\n/);
});

t.test('SeriesHistogram: reset() zeroes the series; an unobserved series reports zeros', async (t) => {
  const registry = new Registry();
  const hot = new SeriesHistogram({ name: 'r_seconds', help: 'h', labelNames: ['route'] as const, buckets: BUCKETS, registers: [registry] });
  const s = hot.series({ route: 'a' });
  s.observe(0.5);
  registry.resetMetrics();
  t.match(await registry.metrics(), /r_seconds_count\{route="a"\} 0\n/);
  s.observe(0.5);
  t.match(await registry.metrics(), /r_seconds_bucket\{le="1",route="a"\} 1\n/);
});

t.test('SeriesCounter: the same exposition as a prom-client Counter, across several scrapes', async (t) => {
  const plainRegistry = new Registry();
  const hotRegistry = new Registry();
  const config = { name: 'c_total', help: 'A counter.', labelNames: ['route', 'status'] as const };
  const plain = new Counter({ ...config, registers: [plainRegistry] });
  const hot = new SeriesCounter({ ...config, registers: [hotRegistry] });
  const ok = hot.series({ route: 'a', status: '200' });
  const denied = hot.series({ route: 'a', status: '403' });
  for (let round = 1; round <= 3; round++) {
    for (let i = 0; i < round * 5; i++) {
      plain.inc({ route: 'a', status: '200' });
      ok.inc();
    }
    plain.inc({ route: 'a', status: '403' });
    denied.inc();
    t.equal(await hotRegistry.metrics(), await plainRegistry.metrics(), `scrape ${round}`);
  }
  t.match(await hotRegistry.metrics(), /c_total\{route="a",status="200"\} 30\n/);
});
