/**
 * One interface: send a message to a user. A message has a title (the subject line is made from
 * it), a plain-text body and an HTML body; each notifier decides what it delivers.
 */

export interface Recipient {
  address: string;
  /** The display name, when known. */
  name?: string;
}

export interface Message {
  to: Recipient;
  /** A few words: the subject is `notifier.smtp.subject` with `{title}` replaced by it. */
  title: string;
  text: string;
  /** Markup made with src/util/html.ts's `html` template. */
  html: string;
}

export interface Notifier {
  /** Rejects with NotifierError when the message could not be handed over. */
  send(message: Message): Promise<void>;
  /** Proves at start-up that messages can be sent (server reachable, TLS, authentication; file writable). */
  startupCheck(): Promise<void>;
  close(): void;
}

/** A message could not be sent, or the start-up check failed; `message` says where and why (never a secret). */
export class NotifierError extends Error {
  override readonly name = 'NotifierError';
  readonly code = 'ERR_NOTIFIER';
}

/** The subject line: `{title}` in the configured template replaced by the title. */
export function subjectOf(template: string, title: string): string {
  return template.split('{title}').join(title);
}
