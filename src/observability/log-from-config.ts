/** The process logger as `log.*` configures it: level, format, and an optional file. */
import { createWriteStream } from 'node:fs';
import { createLogger, type Logger, type LogFormat, type LogLevel } from './log.js';

export function createLoggerFromConfig(log: { level: LogLevel; format: LogFormat; file_path?: string | undefined }): Logger {
  const sink = log.file_path ? createWriteStream(log.file_path, { flags: 'a', mode: 0o600 }) : process.stderr;
  return createLogger({ level: log.level, format: log.format, sink });
}
