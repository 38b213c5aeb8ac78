/**
 * HTTP/1.x over a raw socket, for requests no HTTP client would send: the test writes the exact
 * bytes of the request line and headers (absolute-form targets, duplicate or malformed headers,
 * raw `\`, `#` and non-ASCII bytes) and reads back only the status line and the header fields
 * (RFC 9112 §4, §5). The request should say `Connection: close`: the answer ends when the peer
 * closes, or as soon as its head is complete.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface RawTarget {
  port: number;
  /** TLS, verifying the certificate against this CA for `servername`. */
  tls?: { ca: string; servername: string };
}

export interface RawAnswer {
  /** 0: the peer closed (or timed out) before a complete status line and header section. */
  status: number;
  statusLine: string;
  /** In the order received, names lower-cased. */
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** Why there is no answer (status 0). */
  error?: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Writes `request` as is and reads the answer's head (header bytes read as latin1). */
export function rawRequest(target: RawTarget, request: Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket: Socket = target.tls
      ? tlsConnect({ host: '127.0.0.1', port: target.port, servername: target.tls.servername, ca: target.tls.ca })
      : connect(target.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (answer: RawAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const noAnswer = (error: string): RawAnswer => ({ status: 0, statusLine: '', headers: [], error });
    const timer = setTimeout(() => finish(parseHead(received) ?? noAnswer(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once(target.tls ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const head = parseHead(received);
      if (head) finish(head);
    });
    socket.once('end', () => finish(parseHead(received) ?? noAnswer(`closed after ${received.length} bytes: ${received.toString('latin1').slice(0, 200)}`)));
    socket.once('error', (err) => finish(parseHead(received) ?? noAnswer(err.message)));
  });
}

/** The status line and header fields, once the head is complete; null before. */
export function parseHead(bytes: Buffer): RawAnswer | null {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) return null;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
  if (!match) return { status: 0, statusLine, headers: [], error: `not an HTTP status line: ${statusLine.slice(0, 200)}` };
  const headers = lines.map((line): readonly [string, string] => {
    const colon = line.indexOf(':');
    return colon < 0 ? [line.toLowerCase(), ''] : [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
  return { status: Number(match[1]), statusLine, headers };
}

/** The first value of a header of the answer. */
export function headerOf(answer: RawAnswer, name: string): string | undefined {
  return answer.headers.find(([n]) => n === name)?.[1];
}
