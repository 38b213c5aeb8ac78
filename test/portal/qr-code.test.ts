import t from 'tap';
import { qrCodeSvg } from '../../src/portal/pages/qr-code.js';

t.test('qrCodeSvg: an inline <svg> element with role="img", an aria-label and path data', async (t) => {
  const svg = await qrCodeSvg('otpauth://totp/Gatehouse:john?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Gatehouse');
  t.match(svg, /^<svg role="img" aria-label="QR code for your authenticator app" xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  t.match(svg, /<path [^>]*d="M[0-9hvmMHVz. -]+"/, 'has path data');
  t.ok(svg.endsWith('</svg>'), 'ends with the closing tag, no trailing newline');
  t.notMatch(svg, /<\?xml|<!DOCTYPE|<script/i, 'embeddable: no prolog, no script');
  t.equal(svg.match(/<svg/g)?.length, 1, 'one svg element');
});

t.test('qrCodeSvg: a custom label is escaped as an attribute value', async (t) => {
  const svg = await qrCodeSvg('hello', 'Scan "this" <now> & enrol');
  t.match(svg, /^<svg role="img" aria-label="Scan &quot;this&quot; &lt;now&gt; &amp; enrol" /);
});

t.test('qrCodeSvg: a longer text gives a larger code (version grows with the data)', async (t) => {
  const size = (svg: string): number => Number(/viewBox="0 0 (\d+)/.exec(svg)?.[1]);
  const small = await qrCodeSvg('a');
  const large = await qrCodeSvg('x'.repeat(200));
  t.ok(size(large) > size(small), `${size(large)} > ${size(small)}`);
});
