import t from 'tap';
import { compileSubjectCondition, compileSubjectItem, type Subject } from '../../src/authn/subject-matcher.js';

const john: Subject = { username: 'john', groups: ['admins', 'dev'] };
const fred: Subject = { username: 'fred', groups: [] };
const client: Subject = { groups: [], client_id: 'svc' };

t.test('compileSubjectItem: user:, group: and oauth2:client: compare names exactly', async (t) => {
  const rows: Array<[string, Subject, boolean]> = [
    ['user:john', john, true],
    ['user:john', fred, false],
    ['user:JOHN', john, false],
    ['group:admins', john, true],
    ['group:admin', john, false],
    ['group:admins', fred, false],
    ['oauth2:client:svc', client, true],
    ['oauth2:client:svc', john, false],
    ['user:svc', client, false],
    ['group:', client, false],
  ];
  for (const [item, subject, expected] of rows) t.equal(compileSubjectItem(item)(subject), expected, `${item} / ${JSON.stringify(subject)}`);
});

t.test('compileSubjectItem: an item config validation refuses is refused here too', async (t) => {
  t.throws(() => compileSubjectItem('role:admin'), { message: "subject 'role:admin' must be 'user:<name>', 'group:<name>' or 'oauth2:client:<id>'" });
});

t.test('compileSubjectCondition: outer list OR, inner list AND', async (t) => {
  const condition = [['group:admins', 'user:john'], ['user:fred']];
  const rows: Array<[Subject, boolean]> = [
    [john, true],
    [fred, true],
    [{ username: 'mary', groups: ['admins'] }, false],
    [{ username: 'john', groups: [] }, false],
    [client, false],
  ];
  for (const [subject, expected] of rows) t.equal(compileSubjectCondition(condition)(subject), expected, JSON.stringify(subject));
  t.equal(compileSubjectCondition([])(john), false, 'an empty condition matches nobody');
});
