/**
 * Otklik's release version, one source for `otklik --version`, every log line's base and the
 * otklik_build_info gauge. Read from the package.json two folders up: the repository's when running
 * from source, the one scripts/build.ts writes into the build (dist/package.json) when compiled, so a
 * production image that carries dist/ alone still knows its version.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0-unknown';
  } catch {
    return '0.0.0-unknown';
  }
}

export const VERSION = readVersion();
