/**
 * A private OpenLDAP server for the LDAP users backend's tests: Debian's slapd (installed by
 * .ci/install-deps) in its own temporary directory, with an mdb database, the core, cosine,
 * inetorgperson and nis schemas, the memberOf overlay, ldap:// (StartTLS offered) and ldaps://
 * on free ports, a test CA and a server certificate for `localhost` and 127.0.0.1 made with openssl,
 * and users and groups (groupOfNames) added through LDIF once it runs (so the overlay fills in
 * memberOf). `stop()` and `start()` take it down and bring it back with the same data and ports;
 * teardown stops it and removes the directory.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Test } from 'tap';
import { freePort } from './free-port.js';
import { tempDir } from './server.js';

const run = promisify(execFile);

export const SLAPD_BIN = '/usr/sbin/slapd';
export const BASE_DN = 'dc=example,dc=com';
export const ADMIN = { dn: `cn=admin,${BASE_DN}`, password: 'admin-secret' };
export const SERVICE = { dn: `cn=gatehouse,ou=services,${BASE_DN}`, password: 'service-secret' };

export interface SeedUser {
  uid: string;
  password: string;
  displayName: string;
  mail: string[];
}

export interface SeedGroup {
  cn: string;
  members: string[];
}

/** alice (admins, dev), bob (dev), carol (no group), `star*name` (a uid with a filter special). */
export const SEED_USERS: readonly SeedUser[] = [
  { uid: 'alice', password: 'alice-password', displayName: 'Alice Liddell', mail: ['alice@example.com', 'a.liddell@example.com'] },
  { uid: 'bob', password: 'bob-password', displayName: 'Bob Builder', mail: ['bob@example.com'] },
  { uid: 'carol', password: 'carol-password', displayName: 'Carol Danvers', mail: ['carol@example.com'] },
  { uid: 'star*name', password: 'star-password', displayName: 'Star (Name)', mail: ['star@example.com'] },
];
export const SEED_GROUPS: readonly SeedGroup[] = [
  { cn: 'admins', members: ['alice'] },
  { cn: 'dev', members: ['alice', 'bob'] },
];

export const userDn = (uid: string): string => `uid=${uid.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)},ou=people,${BASE_DN}`;
export const groupDn = (cn: string): string => `cn=${cn},ou=groups,${BASE_DN}`;

export interface Slapd {
  /** ldap://127.0.0.1:<port>: plain, StartTLS offered. */
  url: string;
  /** ldaps://localhost:<port>. */
  ldapsUrl: string;
  port: number;
  ldapsPort: number;
  /** The test CA that signed the server's certificate (PEM), and a directory holding only it. */
  caPem: string;
  caDirectory: string;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Applies LDIF changes as the directory manager (ldapmodify; `changetype` per record). */
  modify(ldif: string): Promise<void>;
}

export function seedLdif(users: readonly SeedUser[] = SEED_USERS, groups: readonly SeedGroup[] = SEED_GROUPS): string {
  const records = [
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example`,
    ...['people', 'groups', 'services'].map((ou) => `dn: ou=${ou},${BASE_DN}\nobjectClass: organizationalUnit\nou: ${ou}`),
    `dn: ${SERVICE.dn}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: gatehouse\nuserPassword: ${SERVICE.password}`,
    ...users.map((u) =>
      [`dn: ${userDn(u.uid)}`, 'objectClass: inetOrgPerson', `uid: ${u.uid}`, `cn: ${u.displayName}`, `sn: ${u.displayName.split(' ').pop()}`, `displayName: ${u.displayName}`, ...u.mail.map((m) => `mail: ${m}`), `userPassword: ${u.password}`].join('\n'),
    ),
    ...groups.map((g) => [`dn: ${groupDn(g.cn)}`, 'objectClass: groupOfNames', `cn: ${g.cn}`, ...g.members.map((m) => `member: ${userDn(m)}`)].join('\n')),
  ];
  return `${records.join('\n\n')}\n`;
}

export async function startSlapd(t: Test, options: { ldif?: string } = {}): Promise<Slapd> {
  const dir = tempDir(t, 'gatehouse-slapd-');
  mkdirSync(join(dir, 'data'));
  const caDirectory = join(dir, 'ca');
  mkdirSync(caDirectory);
  await makeCertificates(dir, caDirectory);
  const [port, ldapsPort] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'slapd.conf'), slapdConf(dir));
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://localhost:${ldapsPort}`;
  let child: ChildProcess | null = null;
  let output = '';

  const start = async (): Promise<void> => {
    output = '';
    const proc = spawn(SLAPD_BIN, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/ ldaps://127.0.0.1:${ldapsPort}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child = proc;
    for (let i = 0; i < 200; i++) {
      if (proc.exitCode !== null) throw new Error(`slapd exited with ${proc.exitCode}: ${output}`);
      if ((await canConnect(port)) && (await canConnect(ldapsPort))) return;
      await delay(25);
    }
    throw new Error(`slapd did not start listening: ${output}`);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await Promise.race([exited, delay(5000).then(() => proc.kill('SIGKILL'))]);
    await exited;
  };

  const modify = async (ldif: string): Promise<void> => {
    const file = join(dir, `change-${Date.now()}-${Math.random().toString(36).slice(2)}.ldif`);
    writeFileSync(file, ldif);
    await run('ldapmodify', ['-x', '-H', url, '-D', ADMIN.dn, '-w', ADMIN.password, '-f', file]);
  };

  t.teardown(stop);
  await start();
  await run('ldapadd', ['-x', '-H', url, '-D', ADMIN.dn, '-w', ADMIN.password, '-f', writeLdif(dir, options.ldif ?? seedLdif())]);
  return { url, ldapsUrl, port, ldapsPort, caPem: readFileSync(join(caDirectory, 'ca.pem'), 'utf8'), caDirectory, dir, stop, start, modify };
}

function writeLdif(dir: string, text: string): string {
  const file = join(dir, 'seed.ldif');
  writeFileSync(file, text);
  return file;
}

function slapdConf(dir: string): string {
  return `# Gatehouse test directory (test/helpers/slapd.ts)
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args
TLSCACertificateFile ${dir}/ca/ca.pem
TLSCertificateFile ${dir}/server.pem
TLSCertificateKeyFile ${dir}/server.key

database mdb
suffix "${BASE_DN}"
rootdn "${ADMIN.dn}"
rootpw ${ADMIN.password}
directory ${dir}/data
maxsize 16777216

overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint true

access to attrs=userPassword
  by dn.exact="${SERVICE.dn}" write
  by self write
  by anonymous auth
  by * none
access to *
  by dn.exact="${SERVICE.dn}" read
  by users read
  by * none
`;
}

async function makeCertificates(dir: string, caDirectory: string): Promise<void> {
  const ca = join(caDirectory, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', '/CN=Gatehouse Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', join(dir, 'server.csr'), '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', join(dir, 'server.pem'), '-days', '2', '-extfile', join(dir, 'server.ext')]);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
