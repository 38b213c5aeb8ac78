/**
 * A real SMTP server for tests (the `smtp-server` package) on a free port: STARTTLS with a
 * self-signed certificate for localhost/127.0.0.1 made by openssl, AUTH PLAIN/LOGIN required,
 * and every message it received kept raw, with its envelope, for the test to read.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Test } from 'tap';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { tempDir } from './server.js';

export const SMTP_USER = { username: 'gatehouse', password: 'smtp-secret' };

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Whether the message came over TLS, and the user it authenticated as. */
  secure: boolean;
  user: string | undefined;
}

export interface TestSmtpServer {
  port: number;
  /** PEM of the server's self-signed certificate: trust it as a CA (certificates_directory). */
  certificate: string;
  /** A directory holding only the certificate. */
  certificatesDirectory: string;
  received: ReceivedMail[];
  /** Resolves with the next message (or one already received beyond `after`). */
  nextMail(after?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string }> {
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'smtp.key'), '-out', join(dir, 'certs', 'smtp.pem'), '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  return { key: readFileSync(join(dir, 'smtp.key'), 'utf8'), cert: readFileSync(join(dir, 'certs', 'smtp.pem'), 'utf8') };
}

export async function startSmtpServer(t: Test, options: { noStartTls?: boolean } = {}): Promise<TestSmtpServer> {
  const dir = tempDir(t, 'gatehouse-smtp-');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'certs'));
  const { key, cert } = await selfSignedCertificate(dir);
  const received: ReceivedMail[] = [];
  const waiting: (() => void)[] = [];
  const serverOptions: SMTPServerOptions = {
    key,
    cert,
    ...(options.noStartTls ? { disabledCommands: ['STARTTLS'] } : {}),
    authMethods: ['PLAIN', 'LOGIN'],
    // AUTH only over TLS, unless the server has no STARTTLS (then clear text is what it tests).
    allowInsecureAuth: options.noStartTls ?? false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER.username && auth.password === SMTP_USER.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        waiting.splice(0).forEach((wake) => wake());
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  t.teardown(close);
  return {
    port,
    certificate: cert,
    certificatesDirectory: join(dir, 'certs'),
    received,
    async nextMail(after = received.length) {
      while (received.length <= after) await new Promise<void>((wake) => waiting.push(wake));
      return received[after];
    },
    close,
  };
}

/** The decoded text of a quoted-printable MIME part of a raw message, joined soft line breaks. */
export function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
