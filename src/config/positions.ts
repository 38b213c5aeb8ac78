/**
 * Finds where a path was written in the YAML file: the key of a map entry or the start of a list
 * item. A path that is not in the file (a missing key) resolves to its nearest written parent; a
 * value moved by a legacy rename resolves to where the old key was written.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigPath } from './errors.js';
import type { PathAlias } from './legacy.js';

export interface Position {
  line: number;
  column: number;
}

export type Locate = (path: ConfigPath) => Position | undefined;

export function createLocator(doc: Document, lineCounter: LineCounter, aliases: readonly PathAlias[]): Locate {
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return (path) => {
    const written = rewrite(path, aliases);
    let node: unknown = doc.contents;
    let offset: number | undefined = doc.contents?.range?.[0];
    for (const segment of written) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return offset === undefined ? undefined : at(offset);
  };
}

/** Replaces the longest aliased prefix of `path` with where it was written. */
function rewrite(path: ConfigPath, aliases: readonly PathAlias[]): ConfigPath {
  let best: PathAlias | undefined;
  for (const alias of aliases) {
    if (alias.to.length <= path.length && alias.to.every((s, i) => s === path[i]) && (!best || alias.to.length > best.to.length)) {
      best = alias;
    }
  }
  if (!best) return path;
  // The old key held a scalar: deeper parts of the new path were not written anywhere.
  return best.from;
}
