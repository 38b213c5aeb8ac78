/**
 * deploy/systemd/gatehouse.service as shipped: `systemd-analyze verify` accepts it with no warning
 * (an unknown or misspelt key is only a warning there, so any output fails), and the hardening
 * the README promises is in it. Debian's systemd package has systemd-analyze; without it the test
 * skips, saying so.
 */
import t, { type Test } from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/server.js';

const UNIT = join(import.meta.dirname, '..', '..', 'deploy', 'systemd', 'gatehouse.service');
const text = readFileSync(UNIT, 'utf8');

function systemdAnalyze(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** The unit's `Key=value` lines of one section, in order (repeated keys kept). */
function settings(section: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let current = '';
  for (const line of text.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) current = header[1]!;
    else if (current === section && /^[A-Z]\w*=/.test(line)) {
      const i = line.indexOf('=');
      out.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

const analyze = systemdAnalyze();

/** Runs verify on a copy (named as shipped); the unit runs /usr/bin/node, this machine's node if that is absent. */
function verify(t: Test, unitText: string): { status: number | null; output: string } {
  const dir = tempDir(t, 'gatehouse-unit-');
  const path = join(dir, 'gatehouse.service');
  writeFileSync(path, existsSync('/usr/bin/node') ? unitText : unitText.replaceAll('/usr/bin/node', process.execPath));
  const run = spawnSync(analyze!, ['verify', path], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

t.test('systemd-analyze verify accepts the unit without a warning', { skip: analyze === null ? 'systemd-analyze is not installed (Debian: apt-get install systemd)' : false }, async (t) => {
  const { status, output } = verify(t, text);
  t.equal(output, '');
  t.equal(status, 0);
});

t.test('the check would notice a misspelt key and a missing program', { skip: analyze === null ? 'systemd-analyze is not installed (Debian: apt-get install systemd)' : false }, async (t) => {
  const misspelt = verify(t, text.replace('ProtectSystem=strict', 'ProtectSytem=strict'));
  t.match(misspelt.output, /Unknown key.*ProtectSytem/);
  const missing = verify(t, text.replace('ExecStart=/usr/bin/node', 'ExecStart=/usr/bin/no-such-node'));
  t.not(missing.status, 0);
});

t.test('the unit is hardened as deploy/README.md says', async (t) => {
  const service = new Map<string, string[]>();
  for (const [key, value] of settings('Service')) service.set(key, [...(service.get(key) ?? []), value]);
  const expected: Array<[string, string]> = [
    ['DynamicUser', 'yes'],
    ['StateDirectory', 'gatehouse'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['PrivateDevices', 'yes'],
    ['NoNewPrivileges', 'yes'],
    ['CapabilityBoundingSet', ''],
    ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'],
    ['SystemCallFilter', '@system-service'],
    ['SystemCallArchitectures', 'native'],
    ['RestrictSUIDSGID', 'yes'],
    ['LockPersonality', 'yes'],
    ['UMask', '0077'],
  ];
  for (const [key, value] of expected) t.same(service.get(key), [value], key);
  t.match(service.get('ExecStart')?.[0] ?? '', /dist\/main\.js serve --config \/etc\/gatehouse\/config\.yml$/);
});
