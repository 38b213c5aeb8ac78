/**
 * A log line that a flood must not turn into a flood of lines: at most `perWindow` lines per
 * window, the rest counted and reported as `suppressed` on the first line of a later window.
 * For warnings that any client can trigger (a misconfigured proxy sends every request wrong).
 */
import type { Clock } from '../util/clock.js';
import type { LogFields, Logger, LogLevel } from './log.js';

export interface ThrottledLog {
  (message: string, fields: LogFields): void;
}

export function throttledLog(logger: Logger, level: Exclude<LogLevel, 'trace'>, clock: Clock, limits: { perWindow: number; windowMs: number }): ThrottledLog {
  let windowStartMs = Number.NEGATIVE_INFINITY;
  let written = 0;
  let suppressed = 0;
  return (message, fields) => {
    const nowMs = clock.nowMs();
    if (nowMs - windowStartMs >= limits.windowMs) {
      windowStartMs = nowMs;
      written = 0;
    }
    if (written >= limits.perWindow) {
      suppressed += 1;
      return;
    }
    written += 1;
    logger[level](message, suppressed > 0 ? { ...fields, suppressed } : fields);
    suppressed = 0;
  };
}
