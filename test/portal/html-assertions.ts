/**
 * Small, regex-based readers for the portal's rendered HTML. The pages are our own, well-formed
 * markup, so tags and double-quoted attributes are enough; no HTML parser is needed.
 */

export interface Tag {
  name: string;
  attrs: Record<string, string>;
  raw: string;
}

const TAG = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g;
const ATTR = /\s+([^\s=>]+)(?:="([^"]*)")?/g;

/** Every start tag in the markup, with its attributes (values as written, still escaped). */
export function tags(markup: string): Tag[] {
  return [...markup.matchAll(TAG)].map((m) => ({
    name: m[1].toLowerCase(),
    attrs: Object.fromEntries([...m[2].matchAll(ATTR)].map((a) => [a[1].toLowerCase(), a[2] ?? ''])),
    raw: m[0],
  }));
}

/** Attribute names of every tag, read with quoted values removed so escaped text cannot be mistaken for one. */
export function attributeNames(markup: string): string[] {
  return tags(markup).flatMap((t) => Object.keys(t.attrs));
}

/** Everything that would break under the CSP: inline style or script, event handlers, javascript: URLs. */
export function cspViolations(markup: string): string[] {
  const found: string[] = [];
  if (/<script\b/i.test(markup)) found.push('<script>');
  if (/<style\b/i.test(markup)) found.push('<style>');
  for (const name of attributeNames(markup)) {
    if (name === 'style') found.push('style attribute');
    if (/^on/.test(name)) found.push(`${name} attribute`);
  }
  for (const t of tags(markup)) {
    for (const key of ['href', 'action', 'src']) {
      if (/^\s*javascript:/i.test(t.attrs[key] ?? '')) found.push(`javascript: in ${key}`);
    }
  }
  return found;
}

/** The markup of each form, from `<form` to `</form>`. */
export function forms(markup: string): string[] {
  return [...markup.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((m) => m[0]);
}

/** Problems with label/control pairing: a label pointing nowhere, or a visible control without a label. */
export function labelProblems(markup: string): string[] {
  const all = tags(markup);
  const ids = all.filter((t) => t.attrs.id !== undefined).map((t) => t.attrs.id);
  const labelled = all.filter((t) => t.name === 'label').map((t) => t.attrs.for ?? '');
  const problems: string[] = [];
  for (const target of labelled) {
    if (ids.filter((id) => id === target).length !== 1) problems.push(`label for="${target}" matches ${ids.filter((id) => id === target).length} ids`);
  }
  for (const control of all.filter((t) => t.name === 'input' || t.name === 'select' || t.name === 'textarea')) {
    if (control.attrs.type === 'hidden') continue;
    if (control.attrs.id === undefined || !labelled.includes(control.attrs.id)) problems.push(`${control.raw} has no label`);
  }
  return problems;
}

/** Hidden inputs of a form as [name, value] pairs, in order. */
export function hiddenFields(markup: string): [string, string][] {
  return tags(markup)
    .filter((t) => t.name === 'input' && t.attrs.type === 'hidden')
    .map((t) => [t.attrs.name ?? '', t.attrs.value ?? '']);
}

export function count(markup: string, re: RegExp): number {
  return [...markup.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'))].length;
}
