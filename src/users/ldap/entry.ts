/** Reading a search entry: attribute names match case-insensitively (RFC 4512 §2.5), values as text. */
import type { Entry } from 'ldapts';

export function valuesOf(entry: Entry, attribute: string | undefined): string[] {
  if (attribute === undefined) return [];
  const wanted = attribute.toLowerCase();
  for (const [name, value] of Object.entries(entry)) {
    if (name.toLowerCase() !== wanted || name === 'dn') continue;
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v)).filter((v) => v !== '');
  }
  return [];
}

export function firstValueOf(entry: Entry, attribute: string | undefined): string {
  return valuesOf(entry, attribute)[0] ?? '';
}
