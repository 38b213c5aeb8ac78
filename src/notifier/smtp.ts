/**
 * `notifier.smtp`: messages through an SMTP relay with nodemailer. `submission://` and `smtp://`
 * upgrade with STARTTLS and, unless `disable_require_tls`, refuse a server that does not offer it;
 * `smtps://` speaks TLS from the first byte. AUTH only ever happens over TLS unless TLS was
 * explicitly given up. Each message carries a plain-text body, and an HTML one unless
 * `disable_html_emails`.
 */
import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { NotifierConfig } from '../config/schema/notifier.js';
import { NotifierError, subjectOf, type Message, type Notifier } from './notifier.js';

export type SmtpSettings = NonNullable<NotifierConfig['smtp']>;

/**
 * What nodemailer is given. `trustedCertificates` (certificates_directory) are trusted beside
 * Node's store for the server's certificate.
 */
export function transportOptions(smtp: Readonly<SmtpSettings>, trustedCertificates: readonly string[]): SMTPTransport.Options {
  const implicitTls = smtp.address.scheme === 'smtps:';
  const timeoutMs = smtp.timeout * 1000;
  return {
    host: smtp.address.host,
    port: smtp.address.port,
    secure: implicitTls,
    // STARTTLS: required unless given up; never attempted when disabled.
    requireTLS: !implicitTls && !smtp.disable_require_tls && !smtp.disable_starttls,
    ignoreTLS: !implicitTls && smtp.disable_starttls,
    name: smtp.identifier,
    ...(smtp.username !== undefined ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
    tls: {
      servername: smtp.tls.server_name ?? smtp.address.host,
      rejectUnauthorized: !smtp.tls.skip_verify,
      ...(trustedCertificates.length > 0 ? { ca: [...rootCertificates, ...trustedCertificates] } : {}),
      minVersion: smtp.tls.minimum_version === 'TLS1.3' ? 'TLSv1.3' : 'TLSv1.2',
      maxVersion: smtp.tls.maximum_version === 'TLS1.2' ? 'TLSv1.2' : 'TLSv1.3',
      ...(smtp.tls.certificate_chain !== undefined ? { cert: smtp.tls.certificate_chain, key: smtp.tls.private_key } : {}),
    },
  };
}

/** `smtps://mail.example.com:465`, for messages. */
const where = (smtp: Readonly<SmtpSettings>): string => `${smtp.address.scheme}//${smtp.address.host}:${smtp.address.port}`;

function reason(err: unknown): string {
  const e = err as { code?: string; command?: string; responseCode?: number; response?: string; message?: string };
  if (e.command === 'STARTTLS') return `the server refused STARTTLS (${e.response ?? e.message ?? ''}): it must offer TLS, or set notifier.smtp.disable_require_tls to send in clear text`;
  if (e.responseCode !== undefined && e.response) return `the server answered ${e.response}`;
  // nodemailer reports socket errors as ESOCKET, with the system's code in the message.
  const text = `${e.code ?? ''} ${e.message ?? ''}`;
  if (/ECONNREFUSED/.test(text)) return 'connection refused (is the SMTP server running, on this port?)';
  if (/ETIMEDOUT|ETIMEOUT/.test(text)) return 'no answer within notifier.smtp.timeout';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'the host name does not resolve';
  if (e.code === 'ETLS' || /STARTTLS/i.test(e.message ?? '')) return `TLS could not be set up: ${e.message ?? ''} (notifier.smtp.disable_require_tls allows a server without STARTTLS)`;
  if (e.code === 'EAUTH') return `authentication failed: ${e.message ?? ''}`;
  return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
}

export function createSmtpNotifier(smtp: Readonly<SmtpSettings>, trustedCertificates: readonly string[] = []): Notifier {
  const transport = nodemailer.createTransport(transportOptions(smtp, trustedCertificates));
  return {
    async send(message: Message) {
      try {
        await transport.sendMail({
          from: smtp.sender,
          to: message.to.name ? { name: message.to.name, address: message.to.address } : message.to.address,
          subject: subjectOf(smtp.subject, message.title),
          text: message.text,
          ...(smtp.disable_html_emails ? {} : { html: message.html }),
        });
      } catch (err) {
        throw new NotifierError(`the message could not be sent through ${where(smtp)}: ${reason(err)}`, { cause: err });
      }
    },
    async startupCheck() {
      try {
        await transport.verify();
      } catch (err) {
        throw new NotifierError(`notifier.smtp: the start-up check against ${where(smtp)} failed: ${reason(err)} (notifier.disable_startup_check skips this check)`, { cause: err });
      }
    },
    close() {
      transport.close();
    },
  };
}
