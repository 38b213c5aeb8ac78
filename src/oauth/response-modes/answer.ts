/**
 * A front-channel answer as a value: what the browser must do, not how it is written. The
 * response modes produce these; src/http/front-channel.ts is the one place that turns them into
 * HTTP (a 302, an auto-submitting form, a page), every HTML part through the one safe template.
 */
export type FrontChannelAnswer =
  /** A 302 to `location`, never cached. */
  | { kind: 'redirect'; location: string }
  /** Form Post Response Mode §2: the browser POSTs `fields` to `action`. */
  | { kind: 'form_post'; action: string; fields: Readonly<Record<string, string>> }
  /** `urn:ietf:wg:oauth:2.0:oob`: the person reads `fields` and copies them into the application. */
  | { kind: 'out_of_band'; fields: Readonly<Record<string, string>> };

/** One response mode: where to, and the parameters, in; the answer out. */
export type ResponseModeDelivery = (redirectUri: string, params: Readonly<Record<string, string>>) => FrontChannelAnswer;
