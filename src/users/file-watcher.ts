/**
 * Watches one file for changes. Editors and config tools replace a file by writing a new one and
 * renaming it over the old, which ends a watch on the file itself; watching its directory survives
 * that, and the debounce turns a burst of events (write, rename, chmod) into one callback.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../observability/log.js';

export interface FileWatch {
  close(): void;
}

export interface WatchOptions {
  debounceMs: number;
  logger: Logger;
}

export function watchFile(path: string, onChange: () => void, options: WatchOptions): FileWatch {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => { if (!closed) onChange(); }, options.debounceMs);
  };

  const watcher: FSWatcher = watch(dirname(path), { persistent: true }, (_event, filename) => {
    // Some platforms give no file name: treat that as "maybe ours".
    if (filename === null || filename === name) schedule();
  });
  watcher.on('error', (error) => options.logger.error('users file watch failed', { path, error }));

  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
