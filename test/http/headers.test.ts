import t from 'tap';
import { headerText } from '../../src/http/headers.js';

t.test('headerText: ASCII as it is; beyond ASCII as UTF-8 octets (RFC 9110 §5.5); control characters become spaces', async (t) => {
  t.equal(headerText('Alice Liddell'), 'Alice Liddell');
  const polish = headerText('Łukasz Żółć');
  t.ok([...polish].every((c) => c.charCodeAt(0) <= 0xff), 'only octets: Node writes it byte for byte');
  t.equal(Buffer.from(polish, 'latin1').toString('utf8'), 'Łukasz Żółć', 'the octets are the UTF-8 of the text');
  t.equal(Buffer.from(headerText('José'), 'latin1').toString('utf8'), 'José', 'Latin-1 text is sent as UTF-8 too, not as Latin-1');
  t.equal(headerText('evil\r\nSet-Cookie: x=1'), 'evil  Set-Cookie: x=1', 'CR/LF cannot split the header');
  t.equal(headerText('tab\there\u007f'), 'tab here ');
});
