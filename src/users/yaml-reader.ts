/**
 * A small helper over a parsed `yaml` document: resolves aliases, turns node offsets into
 * line:column, and collects problems, so the users-file rules read as a list of checks.
 */
import { isAlias, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { UsersFileProblem } from './users-file-error.js';

export class YamlReader {
  readonly problems: UsersFileProblem[] = [];
  readonly warnings: UsersFileProblem[] = [];
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(text: string) {
    // prettyErrors off: the pretty form quotes the source line, which may hold a password digest.
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const error of this.doc.errors) {
      this.problems.push({ path: '', message: `YAML syntax: ${error.message}`, ...this.position(error.pos[0]) });
    }
  }

  /** The node an alias points to, or the node itself. */
  resolve(node: unknown): Node | null {
    if (isAlias(node)) return node.resolve(this.doc) ?? null;
    return (node as Node | null | undefined) ?? null;
  }

  /** A scalar's text as written (so a username `007` stays `007`), or null for a non-scalar or empty key. */
  keyText(node: unknown): string | null {
    const resolved = this.resolve(node);
    if (!isScalar(resolved) || resolved.value === null || resolved.value === undefined) return null;
    if (typeof resolved.value === 'string') return resolved.value;
    if (resolved.source !== undefined) return resolved.source;
    const value: unknown = resolved.value;
    return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : null;
  }

  problem(path: string, node: unknown, message: string): void {
    this.problems.push({ path, message, ...this.nodePosition(node) });
  }

  warning(path: string, node: unknown, message: string): void {
    this.warnings.push({ path, message, ...this.nodePosition(node) });
  }

  private nodePosition(node: unknown): { line?: number; column?: number } {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.position(range[0]) : {};
  }

  private position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}
