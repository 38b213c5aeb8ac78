/**
 * Answers to what never becomes a request for the router: a message Node's parser refuses or a
 * read timeout ('clientError'), and CONNECT ('connect'). Written straight to the socket, then the
 * connection is closed: after a parse error the stream cannot be trusted to hold another request.
 */
import type { Duplex } from 'node:stream';

export interface RawAnswer {
  status: number;
  reason: string;
}

const BAD_REQUEST: RawAnswer = Object.freeze({ status: 400, reason: 'Bad Request' });
/** RFC 9110 §15.6.2: "the appropriate response when the server does not recognize the request method". */
const NOT_IMPLEMENTED: RawAnswer = Object.freeze({ status: 501, reason: 'Not Implemented' });

/**
 * CONNECT asks for a tunnel to another host (RFC 9110 §9.3.6: "most origin servers do not
 * implement CONNECT"). 501, not 405: a 405 (§15.5.6) is about a method the target resource does
 * not support and MUST list that resource's methods in `Allow`, but a CONNECT target
 * (authority-form, RFC 9112 §3.2.3) names another host, not one of our resources; tunnelling is
 * functionality this server does not support for any resource (§15.6.2).
 */
export const CONNECT_ANSWER: RawAnswer = NOT_IMPLEMENTED;

/** By Node's error code; anything else is a 400 (RFC 9112 §2.2, §3: an invalid request line or header). */
const BY_CODE: Readonly<Record<string, RawAnswer>> = Object.freeze({
  // Node's own answers to these (lib/_http_server.js), kept.
  ERR_HTTP_REQUEST_TIMEOUT: Object.freeze({ status: 408, reason: 'Request Timeout' }), // RFC 9110 §15.5.9
  HPE_HEADER_OVERFLOW: Object.freeze({ status: 431, reason: 'Request Header Fields Too Large' }), // RFC 6585 §5
  HPE_CHUNK_EXTENSIONS_OVERFLOW: Object.freeze({ status: 413, reason: 'Content Too Large' }), // RFC 9110 §15.5.14
});

/** A request line (RFC 9112 §3): method token, one space, target, one space, HTTP version. */
const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [^\s]+ HTTP\/\d\.\d\r?$/;

/**
 * The answer to a 'clientError'. Node's parser knows a fixed list of methods and refuses any other
 * (`FOO`, a lower-case `get`: methods are case-sensitive, RFC 9110 §9.1) as HPE_INVALID_METHOD:
 * 501 when the rest of the request line is well formed, 400 for anything else (garbage, TLS
 * spoken to a plain-HTTP port).
 */
export function clientErrorAnswer(err: Error & { code?: string; rawPacket?: Buffer; bytesParsed?: number }): RawAnswer {
  const known = err.code === undefined ? undefined : BY_CODE[err.code];
  if (known) return known;
  if (err.code === 'HPE_INVALID_METHOD' && err.rawPacket !== undefined) {
    return requestLineAt(err.rawPacket, err.bytesParsed ?? 0) ? NOT_IMPLEMENTED : BAD_REQUEST;
  }
  return BAD_REQUEST;
}

/** Whether the line holding the parser's error (a pipelined packet may start with an earlier request) is a request line. */
function requestLineAt(packet: Buffer, bytesParsed: number): boolean {
  const at = Math.max(0, Math.min(bytesParsed, packet.length) - 1);
  const start = packet.lastIndexOf(0x0a, at) + 1;
  const end = packet.indexOf(0x0a, start);
  // A request line longer than this is no method we would implement anyway.
  if (end === -1 || end - start > 8192) return false;
  return REQUEST_LINE.test(packet.toString('latin1', start, end));
}

/** The answer as HTTP/1.1 octets: a one-line text body, and the connection closes. */
export function rawAnswerText(answer: RawAnswer): string {
  const body = `${answer.status} ${answer.reason}\n`;
  return (
    `HTTP/1.1 ${answer.status} ${answer.reason}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    'X-Content-Type-Options: nosniff\r\n' +
    'Cache-Control: no-store\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/**
 * Writes the answer and closes: the socket is destroyed once the answer is flushed, or after
 * `writeTimeoutMs` when the client does not read it, so a client that keeps its end open holds
 * no file descriptor.
 */
export function writeRawAnswer(socket: Duplex, answer: RawAnswer, writeTimeoutMs: number): void {
  const timer = setTimeout(() => socket.destroy(), writeTimeoutMs);
  timer.unref();
  socket.end(rawAnswerText(answer), () => {
    clearTimeout(timer);
    socket.destroy();
  });
}
