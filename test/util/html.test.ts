import t from 'tap';
import { escapeHtml, html, SafeHtml, trustedHtml } from '../../src/util/html.js';

t.test('escapeHtml: the five characters that matter in text and quoted attributes (HTML 13.1.2.3, 13.1.2.6)', async (t) => {
  const table: [string, string][] = [
    ['plain', 'plain'],
    ['a & b', 'a &amp; b'],
    ['<b>', '&lt;b&gt;'],
    [`"double" 'single'`, '&quot;double&quot; &#39;single&#39;'],
    ['&amp;', '&amp;amp;'],
    ['', ''],
  ];
  for (const [input, expected] of table) t.equal(escapeHtml(input), expected, JSON.stringify(input));
});

t.test('html template: escapes values, keeps SafeHtml, joins lists, drops null/undefined/false', async (t) => {
  const inner = html`<b>${'<i>'}</b>`;
  t.type(inner, SafeHtml);
  t.equal(String(inner), '<b>&lt;i&gt;</b>');
  t.equal(String(html`<p>${inner}</p>`), '<p><b>&lt;i&gt;</b></p>', 'nested SafeHtml is not escaped twice');
  t.equal(String(html`${['<a>', html`<br>`, 3]}`), '&lt;a&gt;<br>3', 'lists: text escaped, markup kept, numbers as text');
  t.equal(String(html`[${null}${undefined}${false}]`), '[]');
  t.equal(String(html`<a title="${`"x" onclick="y"`}">`), '<a title="&quot;x&quot; onclick=&quot;y&quot;">');
  t.equal(String(html`${trustedHtml('<svg/>')}`), '<svg/>', 'trustedHtml is inserted as is');
});
