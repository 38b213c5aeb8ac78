/** Time comes in through a Clock so that checks stay pure and tests freeze time instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

export function fixedClock(ms: number): Clock & { advance(byMs: number): void; set(ms: number): void } {
  let current = ms;
  return {
    nowMs: () => current,
    advance: (byMs) => { current += byMs; },
    set: (to) => { current = to; },
  };
}

export const nowSeconds = (clock: Clock): number => Math.floor(clock.nowMs() / 1000);
