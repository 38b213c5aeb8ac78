/**
 * What is running, for `gatehouse_build_info{version,node}`: the version from the package.json
 * beside src/ or dist/ (every way of running Gatehouse ships it), and the Node.js version.
 */
import { readFileSync } from 'node:fs';

export interface BuildInfo {
  version: string;
  node: string;
}

export function readBuildInfo(): BuildInfo {
  return { version: packageVersion(), node: process.versions.node };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
