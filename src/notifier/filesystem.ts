/**
 * `notifier.filesystem`: each message replaces the content of one file (as Authelia's does), for
 * development, tests and set-ups where someone reads the file. Written 0600: it holds codes and links.
 */
import { access, constants, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../util/clock.js';
import { NotifierError, type Message, type Notifier } from './notifier.js';

export interface FilesystemNotifierSettings {
  filename: string;
}

export function createFilesystemNotifier(settings: FilesystemNotifierSettings, deps: { clock: Clock }): Notifier {
  const { filename } = settings;
  return {
    async send(message: Message) {
      const recipient = message.to.name ? `${message.to.name} <${message.to.address}>` : message.to.address;
      const body = [`Date: ${new Date(deps.clock.nowMs()).toISOString()}`, `Recipient: ${recipient}`, `Title: ${message.title}`, '', message.text, ''].join('\n');
      await writeFile(filename, body, { mode: 0o600 }).catch((err: unknown) => {
        throw new NotifierError(`the notifier cannot write '${filename}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
      });
    },
    async startupCheck() {
      await access(dirname(filename), constants.W_OK).catch((err: unknown) => {
        throw new NotifierError(`notifier.filesystem.filename: the directory of '${filename}' is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
      });
    },
    close() {},
  };
}
