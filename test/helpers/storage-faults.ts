/**
 * Storage fault injection for tests: a Kysely plugin that makes the Nth statement of the next
 * operation fail, either before it reaches the database or after the database ran it (the answer
 * lost on the way back; on SQLite the Nth may be the COMMIT itself, so "after" there is a failure
 * after commit). Statements are counted from `arm()`; one fault per arming. And a TokenSessions
 * wrapper whose `redeem` commits, then throws: the answer lost after a commit on any engine.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { TokenSessions } from '../../src/storage/types.js';

export type FaultTiming = 'before' | 'after';

export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

export class StatementFaults implements KyselyPlugin {
  #armed: { n: number; timing: FaultTiming } | null = null;
  #seen = 0;
  #target: object | null = null;
  /** What the fault hit: the statement's kind (`InsertQueryNode`, `RawNode BEGIN IMMEDIATE`, …), or null while none fired. */
  fired: string | null = null;
  /** Every statement seen since `arm()`, in order. */
  readonly statements: string[] = [];

  arm(n: number, timing: FaultTiming): void {
    this.#armed = { n, timing };
    this.#seen = 0;
    this.#target = null;
    this.fired = null;
    this.statements.length = 0;
  }

  disarm(): void {
    this.#armed = null;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (!this.#armed) return args.node;
    const label = describe(args.node);
    this.statements.push(label);
    this.#seen++;
    if (this.#seen !== this.#armed.n) return args.node;
    if (this.#armed.timing === 'before') {
      this.fired = `before ${label}`;
      this.#armed = null;
      throw new InjectedFault(`injected before statement ${this.#seen} (${label})`);
    }
    this.#target = args.queryId;
    this.fired = `after ${label}`;
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#target !== null && args.queryId === this.#target) {
      this.#target = null;
      this.#armed = null;
      return Promise.reject(new InjectedFault(`injected after ${this.fired}`));
    }
    return Promise.resolve(args.result);
  }
}

function describe(node: RootOperationNode): string {
  if (node.kind !== 'RawNode') return node.kind;
  return `RawNode ${node.sqlFragments.join('?').trim().slice(0, 40)}`;
}

/** `redeem` commits, then the answer is lost: a crash or a dropped connection right after COMMIT. */
export function failingAfterCommit(tokens: TokenSessions): TokenSessions & { armed: boolean } {
  const wrapper = {
    ...tokens,
    armed: false,
    async redeem(redemption: Parameters<TokenSessions['redeem']>[0]) {
      const result = await tokens.redeem(redemption);
      if (wrapper.armed) {
        wrapper.armed = false;
        throw new InjectedFault(`injected after the commit of redeem (${result.outcome})`);
      }
      return result;
    },
  };
  return wrapper;
}
