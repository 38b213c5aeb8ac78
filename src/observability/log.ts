/**
 * Structured logging: one JSON object per line (or a readable text line), written synchronously
 * to a stream. Fields whose names say they carry a credential are redacted here, in one place,
 * so a careless call site cannot leak a token, code, secret or password.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';
export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LogSink {
  write(line: string): unknown;
}

const LEVEL_RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };

/** Field names (case-insensitive, anywhere in the name) whose values never reach a log line. */
const SENSITIVE_FIELD = /secret|password|passwd|token|assertion|authorization|cookie|^code$|code_verifier|^otp$|private_key/i;

export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (SENSITIVE_FIELD.test(key)) out[key] = '[redacted]';
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message };
    else out[key] = value;
  }
  return out;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  sink?: LogSink;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const sink = options.sink ?? process.stderr;
  const now = options.now ?? (() => new Date());
  const threshold = LEVEL_RANK[options.level];

  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LEVEL_RANK[level] < threshold) return;
    const record = { time: now().toISOString(), level, msg: message, ...redact({ ...bound, ...fields }) };
    sink.write((options.format === 'json' ? JSON.stringify(record) : formatText(record)) + '\n');
  };

  return {
    trace: (m, f) => emit('trace', m, f),
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
    isLevelEnabled: (level) => LEVEL_RANK[level] >= threshold,
  };
}

function formatText(record: LogFields): string {
  const { time, level, msg, ...rest } = record;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`);
  return [`time=${String(time)}`, `level=${String(level)}`, `msg=${JSON.stringify(msg)}`, ...pairs].join(' ');
}

/** A logger that writes nothing: for CLI commands and tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ level: 'error', format: 'json', sink: { write: () => true } });

/** A logger that keeps its lines in memory, for tests that assert on what was logged. */
export function memoryLogger(level: LogLevel = 'trace'): Logger & { lines: string[]; records(): LogFields[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, format: 'json', sink: { write: (l: string) => lines.push(l) } });
  return Object.assign(logger, { lines, records: () => lines.map((l) => JSON.parse(l) as LogFields) });
}
