/**
 * Secrets stay off the command line (the process list and shell history show it to every user) and out
 * of error messages: they come from the environment or from a file.
 */
import { readFileSync } from 'node:fs';

/** `scheme://user:password@` or `scheme://:password@` at the start of a URL anywhere in a text. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]*)@/gi;

/** Whether a URL carries a password (also when it does not parse as a whole). */
export function urlHasPassword(url: string): boolean {
  try {
    if (new URL(url).password) return true;
  } catch {
    // Fall back to the pattern below.
  }
  URL_CREDENTIALS.lastIndex = 0;
  return URL_CREDENTIALS.test(url);
}

/** The text with every URL password replaced by `***` (the user name stays: it helps and is no secret). */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_, scheme: string, user: string) => `${scheme}${user}:***@`);
}

/** The URL with this password; special characters are percent-encoded (ioredis decodes them). */
export function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/** A secret from a file: its content without a final line break; a clear error when unreadable or empty. */
export function readSecretFile(path: string, what: string): string {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${what}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const secret = content.replace(/\r?\n$/, '');
  if (!secret) throw new Error(`${what}: ${path} is empty`);
  return secret;
}
