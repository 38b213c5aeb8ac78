/**
 * What is running, for `gatehouse_build_info{version,node}`: the version from Gatehouse's own
 * package.json (every way of running Gatehouse ships it beside src/ or dist/), and the Node.js version.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface BuildInfo {
  version: string;
  node: string;
}

export function readBuildInfo(): BuildInfo {
  return { version: packageVersion(), node: process.versions.node };
}

/**
 * The nearest package.json above this module: two folders up from src/observability/ or
 * dist/observability/, one up from the bundled dist/main.js. The walk stops at the first one
 * found, so a package.json planted higher up (outside the install) is never read.
 */
function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; ) {
    const path = new URL('package.json', dir);
    if (existsSync(path)) {
      const pkg = readPackage(path);
      return pkg?.name === 'gatehouse' && typeof pkg.version === 'string' ? pkg.version : 'unknown';
    }
    const parent = new URL('../', dir);
    if (parent.href === dir.href) return 'unknown';
    dir = parent;
  }
}

function readPackage(url: URL): { name?: unknown; version?: unknown } | null {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return null;
  }
}
