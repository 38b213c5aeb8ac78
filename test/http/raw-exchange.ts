/**
 * One HTTP/1.1 exchange over a raw socket, for requests no HTTP client sends (repeated headers,
 * CONNECT, unknown methods): the exact bytes go out, and everything the server writes until it
 * closes (or `timeoutMs`) comes back, split into status, headers and body.
 */
import { connect } from 'node:net';

export interface RawReply {
  /** 0: the server closed without answering. */
  status: number;
  /** Names lower-cased; a repeated name keeps its last value. */
  headers: Record<string, string>;
  body: string;
  /** Everything received, for assertions on framing. */
  text: string;
  /** The server closed the connection (rather than the test timing out). */
  closed: boolean;
}

export function rawExchange(port: number, request: string | Buffer, timeoutMs = 2000): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseReply(Buffer.concat(chunks).toString('latin1'), closed));
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(request);
  });
}

function parseReply(text: string, closed: boolean): RawReply {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return { status: 0, headers: {}, body: '', text, closed };
  const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
  return { status, headers, body: text.slice(headEnd + 4), text, closed };
}

/** A request's bytes from its head lines: CRLF line ends, the empty line, then the body. */
export function requestBytes(lines: readonly string[], body = ''): string {
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
