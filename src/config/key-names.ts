/**
 * The names a map may hold at a path, from the two places that define them: Gatehouse's zod
 * schemas and Authelia's key list. Unknown keys are reported with the closest of those names.
 */
import type { z } from 'zod';
import { AUTHELIA_KEYS } from './authelia/keys.js';
import type { ConfigPath } from './errors.js';
import { configSchema } from './schema/config.js';

type Schema = z.core.$ZodType;

/** The schemas that may be at `path` under `schema`: wrappers unwrapped, list items and map entries entered. */
function schemasAt(schema: Schema, path: ConfigPath): Schema[] {
  let current = [schema];
  for (const segment of path) current = current.flatMap(objectsOf).flatMap((s) => childSchemas(s, segment));
  return current.flatMap(objectsOf);
}

/** The objects, lists and records a schema stands for, through optional/default/pipe/union. */
function objectsOf(schema: Schema): Schema[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return objectsOf(def['innerType'] as Schema);
    case 'pipe':
      // A transform's input is the written shape; a preprocess puts it in `out`.
      return [...objectsOf(def['in'] as Schema), ...objectsOf(def['out'] as Schema)];
    case 'union':
      return (def['options'] as Schema[]).flatMap(objectsOf);
    case 'object':
    case 'array':
    case 'record':
      return [schema];
    default:
      return [];
  }
}

function childSchemas(schema: Schema, segment: string | number): Schema[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  if (def.type === 'array') return typeof segment === 'number' ? [def['element'] as Schema] : [];
  if (def.type === 'record') return typeof segment === 'string' ? [def['valueType'] as Schema] : [];
  if (def.type === 'object' && typeof segment === 'string') {
    const child = (def['shape'] as Record<string, Schema>)[segment];
    return child ? [child] : [];
  }
  return [];
}

/** Gatehouse's own key names for the map at `path` (empty when the path holds no map). */
export function schemaKeysAt(path: ConfigPath, schema: Schema = configSchema): string[] {
  return schemasAt(schema, path).flatMap((s) => {
    const def = s._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    return def.type === 'object' ? Object.keys(def['shape'] as object) : [];
  });
}

/** A node of Authelia's key list: `[]` is a list entry, `*` any map-entry name. */
export interface KeyNode {
  readonly children: Map<string, KeyNode>;
}

/** `a.b[].c` → `['a', 'b', '[]', 'c']`. */
export function keySegments(key: string): string[] {
  return key.split('.').flatMap((part) => {
    const name = part.replace(/(\[\])+$/, '');
    const lists = (part.length - name.length) / 2;
    return [...(name === '' ? [] : [name]), ...Array<string>(lists).fill('[]')];
  });
}

export function buildKeyTree(keys: readonly string[]): KeyNode {
  const root: KeyNode = { children: new Map() };
  for (const key of keys) {
    let node = root;
    for (const segment of keySegments(key)) {
      let next = node.children.get(segment);
      if (!next) node.children.set(segment, (next = { children: new Map() }));
      node = next;
    }
  }
  return root;
}

/** The node for one written segment: a list index enters `[]`, a name its own node or else `*`. */
export function childNode(node: KeyNode, segment: string | number): KeyNode | undefined {
  if (typeof segment === 'number') return node.children.get('[]');
  return node.children.get(segment) ?? node.children.get('*');
}

export function nodeAt(root: KeyNode, path: ConfigPath): KeyNode | undefined {
  let node: KeyNode | undefined = root;
  for (const segment of path) node = node && childNode(node, segment);
  return node;
}

export const AUTHELIA_KEY_TREE = buildKeyTree(AUTHELIA_KEYS);

/** Authelia's key names for the map at `path` (without `*` and `[]`). */
export function autheliaKeysAt(path: ConfigPath): string[] {
  const node = nodeAt(AUTHELIA_KEY_TREE, path);
  return node ? [...node.children.keys()].filter((k) => k !== '*' && k !== '[]') : [];
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1 (`pth` → `path` 1, `polciy` → `policy` 1).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
    }
  }
  return d[a.length][b.length];
}

/**
 * The closest name within 2 edits (1 for names of up to 4 letters, so `foo` does not suggest
 * `log`), compared ignoring case, dashes and underscores; ties go to the alphabetically first.
 */
export function closestName(key: string, names: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const limit = key.length <= 4 ? 1 : 2;
  let best: { name: string; distance: number } | undefined;
  for (const name of [...new Set(names)].sort()) {
    if (name === key) continue;
    const distance = fold(name) === fold(key) ? 0 : editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** `is an unknown key`, with the closest name Gatehouse or Authelia has beside it. */
export function unknownKeyMessage(path: ConfigPath): string {
  const key = path[path.length - 1];
  const parent = path.slice(0, -1);
  const suggestion = typeof key === 'string' ? closestName(key, [...schemaKeysAt(parent), ...autheliaKeysAt(parent)]) : undefined;
  return suggestion ? `is an unknown key: did you mean '${suggestion}'?` : 'is an unknown key';
}
