/**
 * The one HTML template and the one escape function. Every page, error page, form_post and
 * out-of-band answer is built with the `html` tagged template, which escapes every interpolated
 * value unless it is already `SafeHtml`, so forgetting to escape is not possible by construction;
 * only `trustedHtml` (our own QR SVG) skips escaping. In src/util so that the portal's pages and
 * src/http's renderer share it without either importing the other.
 */

/** Escapes text for element content and for double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
});

/** Markup that is already safe to insert as is: made by `html` (escaped) or `trustedHtml` (our own markup). */
export class SafeHtml {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

/** A value the `html` template accepts: text (escaped), markup, or a list of either; nothing renders as empty. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

/** Tagged template: escapes every interpolation; arrays are concatenated; null/undefined/false render nothing. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Inserts markup without escaping: only for markup we generated ourselves (the QR code SVG). */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}
