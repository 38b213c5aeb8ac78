/** The configured notifier: `notifier.smtp` or `notifier.filesystem`, or none. */
import type { NotifierConfig } from '../config/schema/notifier.js';
import type { Clock } from '../util/clock.js';
import { createFilesystemNotifier } from './filesystem.js';
import type { Notifier } from './notifier.js';

export { NotifierError, subjectOf, type Message, type Notifier, type Recipient } from './notifier.js';

/**
 * Builds the notifier and, unless `disable_startup_check`, runs its start-up check: a server that
 * is down stops the start with a NotifierError saying where and why. `trustedCertificates`
 * (certificates_directory) are trusted beside Node's store for the SMTP server's certificate.
 */
export async function openNotifier(config: Readonly<NotifierConfig> | undefined, deps: { clock: Clock; trustedCertificates?: readonly string[] }): Promise<Notifier | null> {
  if (!config) return null;
  // nodemailer (~40 modules) is loaded only when SMTP is configured (issue #14: idle memory, start-up).
  const notifier = config.smtp
    ? (await import('./smtp.js')).createSmtpNotifier(config.smtp, deps.trustedCertificates ?? [])
    : config.filesystem
      ? createFilesystemNotifier(config.filesystem, deps)
      : null;
  if (notifier && !config.disable_startup_check) {
    try {
      await notifier.startupCheck();
    } catch (err) {
      notifier.close();
      throw err;
    }
  }
  return notifier;
}
