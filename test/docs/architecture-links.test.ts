/**
 * docs/ARCHITECTURE.md cannot rot: every `src/…` path it mentions exists, every relative link
 * resolves, and every row of its rule table names a file that exists and a function declared in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = join(ROOT, 'docs', 'ARCHITECTURE.md');
const text = readFileSync(DOC, 'utf8');

/** `src/…` anywhere in the text (prose, code spans, link targets), without trailing punctuation. */
export function mentionedSrcPaths(markdown: string): string[] {
  const found = markdown.match(/(?<![\w.-])src\/[\w./-]*[\w/]/g) ?? [];
  return [...new Set(found.map((p) => p.replace(/\/$/, '')))];
}

/** Targets of `[text](target)` links that are not URLs or in-page anchors. */
export function relativeLinks(markdown: string): Array<{ label: string; target: string }> {
  const links: Array<{ label: string; target: string }> = [];
  for (const m of markdown.matchAll(/\[([^\]]+)\]\(([^)\s]+)\)/g)) {
    const target = m[2];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    links.push({ label: m[1], target: target.replace(/#.*$/, '') });
  }
  return links;
}

export interface RuleRow {
  rule: string;
  label: string;
  target: string;
  functionName: string;
}

/** The rows of the table under "## Where each rule lives": | rule | spec | [file](link) | `function` |. */
export function ruleRows(markdown: string): RuleRow[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Where each rule lives'));
  if (section === undefined) return [];
  const rows: RuleRow[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('|') || /^\|\s*(rule|-)/.test(line)) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(cells[2] ?? '');
    const fn = /^`([A-Za-z_$][\w$]*)`$/.exec(cells[3] ?? '');
    rows.push({ rule: cells[0] ?? '', label: link?.[1] ?? '', target: link?.[2] ?? '', functionName: fn?.[1] ?? '' });
  }
  return rows;
}

/** A declaration of `name` in TypeScript source: function, const/let/class, method or property. */
export function declares(source: string, name: string): boolean {
  const n = name.replace(/\$/g, '\\$');
  return new RegExp(String.raw`(?:\bfunction\s*\*?\s*|\b(?:const|let|var|class)\s+)${n}\b|^\s*(?:async\s+)?${n}\s*(?:\(|<|:)`, 'm').test(source);
}

t.test('every src/ path the document mentions exists', async (t) => {
  const paths = mentionedSrcPaths(text);
  t.ok(paths.length > 50, `the document names the code (${paths.length} paths)`);
  for (const p of paths) t.ok(existsSync(join(ROOT, p)), p);
});

t.test('every relative link resolves', async (t) => {
  const links = relativeLinks(text);
  t.ok(links.length > 50, `${links.length} links`);
  for (const { target } of links) t.ok(existsSync(join(dirname(DOC), target)), target);
});

t.test('the rule table: each row one hop, a file that exists and a function declared in it', async (t) => {
  const rows = ruleRows(text);
  t.ok(rows.length >= 23, `${rows.length} rules`);
  for (const row of rows) {
    t.test(row.rule, async (t) => {
      t.not(row.target, '', 'the file cell is one link');
      t.not(row.functionName, '', 'the function cell is one `name`');
      const file = normalize(join(dirname(DOC), row.target));
      t.equal(relative(ROOT, file), row.label, 'the link text is the path it links to');
      t.ok(existsSync(file), row.label);
      if (existsSync(file)) t.ok(declares(readFileSync(file, 'utf8'), row.functionName), `${row.functionName} is declared in ${row.label}`);
    });
  }
});

t.test("issue 19's eight rules are each in the table", async (t) => {
  const rules = ruleRows(text).map((r) => r.rule.toLowerCase());
  const eight: Array<[string, RegExp]> = [
    ['PKCE S256', /pkce s256/],
    ['refresh token reuse', /refresh token reuse/],
    ['audience match', /audience match/],
    ['first-match rules', /first match/],
    ['CSRF', /csrf/],
    ['regulation ban', /regulation.*ban/],
    ['JARM signing', /jarm signing/],
    ['cache eviction on revoke', /cache evicts.*revoked/],
  ];
  for (const [name, pattern] of eight) t.ok(rules.some((r) => pattern.test(r)), name);
});

t.test('the parsers themselves', async (t) => {
  t.same(mentionedSrcPaths('see src/a/b.ts, `src/c/` and [x](../src/d.ts).'), ['src/a/b.ts', 'src/c', 'src/d.ts']);
  t.same(relativeLinks('[a](../x.md) [b](https://e.org) [c](#top)'), [{ label: 'a', target: '../x.md' }]);
  t.ok(declares('export async function foo(a) {}', 'foo'));
  t.ok(declares('  async establish(previousId) {', 'establish'));
  t.ok(declares('    redeem: (r) => x,', 'redeem'));
  t.ok(declares('const bar = () => 1;', 'bar'));
  t.notOk(declares('// calls foo() here', 'foo'));
  t.notOk(declares('return foobar(1);', 'foo'));
});
