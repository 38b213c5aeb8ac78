/**
 * deploy/prometheus and deploy/grafana as shipped: `promtool check rules` accepts the alert rules and
 * `promtool check config` the scrape example (Debian's prometheus package has promtool; without it
 * those two skip, saying so), and every metric name the rules and the dashboard use is exported by a
 * running server's metrics listener, so a renamed metric cannot leave a silent panel or an alert
 * that never fires.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestServer } from '../helpers/server.js';

const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy');
const RULES = join(DEPLOY, 'prometheus', 'alerts.yml');
const SCRAPE = join(DEPLOY, 'prometheus', 'scrape.yml');
const DASHBOARD = join(DEPLOY, 'grafana', 'gatehouse.json');

function promtool(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
const tool = promtool();
const noPromtool = tool === null ? 'promtool is not installed (Debian: apt-get install prometheus)' : false;

t.test('promtool check rules accepts deploy/prometheus/alerts.yml', { skip: noPromtool }, async (t) => {
  const run = spawnSync(tool!, ['check', 'rules', RULES], { encoding: 'utf8' });
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /SUCCESS: 6 rules found/);
});

t.test('promtool check config accepts deploy/prometheus/scrape.yml (with the rules it loads)', { skip: noPromtool }, async (t) => {
  const run = spawnSync(tool!, ['check', 'config', SCRAPE], { encoding: 'utf8' });
  t.equal(run.status, 0, run.stderr);
});

t.test('the rules cover what the README promises', async (t) => {
  const rules = parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string }> }> };
  t.same(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort(), [
    'GatehouseBansSpiking', 'GatehouseDown', 'GatehouseHigh5xxRate', 'GatehouseRemoteIntrospectionFailing', 'GatehouseStorageUnhealthy', 'GatehouseVerifyLatencyHigh',
  ]);
});

/** PromQL functions, keywords and Grafana variables: not metric names. */
const NOT_METRICS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'rate', 'increase', 'irate', 'histogram_quantile', 'by', 'without', 'on', 'ignoring', 'and', 'or', 'unless',
  'label_values', 'humanizeDuration', 'humanizePercentage', 'bool',
]);
/** Prometheus's own series, not the target's. */
const PROMETHEUS_OWN = new Set(['up']);

/** The metric names in a PromQL expression: identifiers not followed by `(` nor inside `{…}` or `[…]`, nor strings. */
function metricNames(expr: string): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '{}').replace(/\[[^\]]*\]/g, '[]').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)].filter((m) => m[2] === undefined).map((m) => m[1]);
  return names.filter((n) => !NOT_METRICS.has(n) && !/^\d/.test(n) && !/^(le|e)$/.test(n));
}

function dashboardExprs(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }>; templating: { list: Array<{ definition?: string }> } };
  return [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition.replace(/^label_values\((.*),\s*\w+\)$/, '$1')] : [])),
  ];
}

function ruleExprs(): string[] {
  const rules = parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Array<{ expr: string }> }> };
  return rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
}

/** Exported names from the exposition format's TYPE lines; a histogram also as _bucket, _sum, _count. */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

t.test('the name extraction reads PromQL as meant', async (t) => {
  t.same(metricNames('histogram_quantile(0.99, sum by (route, le) (rate(a_bucket{job="$job",status=~"5.."}[5m]))) / b > 0.05'), ['a_bucket', 'b']);
});

t.test('every metric the dashboard and the rules use is exported by a running server', async (t) => {
  const server = await startTestServer(t, { telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:0' } } }, { collectProcessMetrics: true });
  const res = await fetch(server.app.metricsUrl!);
  t.equal(res.status, 200);
  const names = exported(await res.text());
  const used = new Map<string, string>();
  for (const expr of dashboardExprs()) for (const n of metricNames(expr)) used.set(n, 'deploy/grafana/gatehouse.json');
  for (const expr of ruleExprs()) for (const n of metricNames(expr)) used.set(n, 'deploy/prometheus/alerts.yml');
  t.ok(used.size > 20, `${used.size} metric names used`);
  for (const [name, where] of used) {
    if (PROMETHEUS_OWN.has(name)) continue;
    t.ok(names.has(name), `${name} (${where}) is exported`);
  }
});
