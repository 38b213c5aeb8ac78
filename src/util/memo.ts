/**
 * A bounded memo for a pure function of a string on the hot path (a forward-auth target, a header
 * name): a hit is one Map look-up, and nothing is allocated per call (the function is given once). When full it is emptied rather than kept in LRU order, so a hit
 * does no bookkeeping, and a flood of distinct keys costs a re-computation, never memory.
 * Cached values are shared between callers: they must be treated as immutable.
 */
export interface Memo<T> {
  get(key: string): T;
  readonly size: number;
}

/** Keys longer than `maxKeyLength` are computed every time, so the memory stays bounded too. */
export function createMemo<T>(compute: (key: string) => T, maxEntries: number, maxKeyLength = 1024): Memo<T> {
  const values = new Map<string, T>();
  return {
    get(key) {
      if (key.length > maxKeyLength) return compute(key);
      let value = values.get(key);
      if (value === undefined && !values.has(key)) {
        if (values.size >= maxEntries) values.clear();
        value = compute(key);
        values.set(key, value);
      }
      return value as T;
    },
    get size() {
      return values.size;
    },
  };
}

/**
 * `createMemo` for a key of three strings, nested rather than joined: joining fresh header strings
 * copies and hashes them all again (≈ 0.3 µs per look-up); nested maps only hash each part.
 */
export interface Memo3<T> {
  get(a: string, b: string, c: string): T;
  readonly size: number;
}

export function createMemo3<T>(compute: (a: string, b: string, c: string) => T, maxEntries: number, maxKeyLength = 1024): Memo3<T> {
  let values = new Map<string, Map<string, Map<string, T>>>();
  let size = 0;
  return {
    get(a, b, c) {
      if (a.length + b.length + c.length > maxKeyLength) return compute(a, b, c);
      let byB = values.get(a);
      let byC = byB?.get(b);
      if (byC !== undefined && byC.has(c)) return byC.get(c) as T;
      if (size >= maxEntries) {
        values = new Map();
        size = 0;
        byB = byC = undefined;
      }
      if (byB === undefined) values.set(a, (byB = new Map<string, Map<string, T>>()));
      if (byC === undefined) byB.set(b, (byC = new Map<string, T>()));
      const value = compute(a, b, c);
      byC.set(c, value);
      size++;
      return value;
    },
    get size() {
      return size;
    },
  };
}

/**
 * `compute` remembered per object, for as long as the object lives (a WeakMap): answers about
 * shared objects that never change, such as a parsed target or a cached token's identity.
 */
export function memoizeByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const answers = new WeakMap<K, V>();
  return (key) => {
    let value = answers.get(key);
    if (value === undefined && !answers.has(key)) {
      value = compute(key);
      answers.set(key, value);
    }
    return value as V;
  };
}
