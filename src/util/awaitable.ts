/**
 * A value now, or a promise of it. The verify hot path answers a cached bearer token without
 * waiting on anything: keeping each step synchronous when it can be spares a promise and a
 * microtask hop per step, per proxied request. Steps that must wait (storage, a remote OP) still can.
 */
export type Awaitable<T> = T | Promise<T>;

/** `next(value)` at once when `value` is ready, else when it resolves. */
export function andThen<T, U>(value: Awaitable<T>, next: (value: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
