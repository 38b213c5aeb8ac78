/** `gatehouse config validate`: through dispatch, with an in-memory io and a temporary config file. */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/command.js';
import { configValidateCommand } from '../../src/cli/config-validate.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-validate-'));

async function run(files: Record<string, string>, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (s) => out.push(s), err: (s) => err.push(s), env: {}, cwd: dir };
  const code = await dispatch([configValidateCommand], ['config', 'validate', ...argv], io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

t.test('a valid file: success message, warnings to stderr, exit 0', async (t) => {
  const result = await run({ 'config.yml': 'storage:\n  local:\n    path: /db.sqlite3\nserver:\n  port: 9000\n' });
  t.equal(result.code, 0);
  t.equal(result.stdout, 'Configuration parsed and loaded successfully without errors.');
  t.equal(result.stderr, 'warning: server.port is deprecated: use server.address instead');
});

t.test('an invalid file: every problem with line:column, exit 1', async (t) => {
  const result = await run({ 'bad.yml': 'storage:\n  local:\n    path: /db.sqlite3\nlog:\n  level: loud\n  colour: true\n' }, '--config', 'bad.yml');
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.equal(
    result.stderr,
    "Configuration bad.yml has errors:\nlog.level (line 5:3): must be one of 'trace', 'debug', 'info', 'warn', 'error' but is 'loud'\nlog.colour (line 6:3): is an unknown key",
  );
});

t.test('a missing file', async (t) => {
  const result = await run({}, '-c', 'missing.yml');
  t.equal(result.code, 1);
  t.equal(result.stderr, `Configuration missing.yml has errors:\n<root>: cannot read the configuration file '${join(dir, 'missing.yml')}': ENOENT`);
});

t.test('a provider without an issuer or a session cookie: the problem at its path, exit 1', async (t) => {
  const oidc = 'identity_providers:\n  oidc:\n    clients:\n      - client_id: app\n        public: true\n        redirect_uris: [https://app.example.com/cb]\n';
  const result = await run({ 'no-issuer.yml': `storage:\n  local:\n    path: /db.sqlite3\n${oidc}` }, '--config', 'no-issuer.yml');
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.equal(
    result.stderr,
    'Configuration no-issuer.yml has errors:\nidentity_providers.oidc.issuer (line 5:3): is required when session.cookies configures no authelia_url to take the issuer from',
  );
  const withCookie = `${oidc}session:\n  cookies:\n    - domain: example.com\n      authelia_url: https://auth.example.com\n`;
  const fixed = await run({ 'cookie.yml': `storage:\n  local:\n    path: /db.sqlite3\n${withCookie}` }, '--config', 'cookie.yml');
  t.equal(fixed.code, 0, "the first cookie's authelia_url names the issuer");
});
