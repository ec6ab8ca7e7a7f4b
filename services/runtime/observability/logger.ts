import { pino, type Logger, type LevelWithSilent } from 'pino';
import { VERSION } from '../version.js';

/**
 * The one root logger. Components take a child (`logger.child({ component: 'worker' })`).
 * Redaction is a second line of defence: code never passes comment text or author ids at info level,
 * and these paths blank them if it ever does.
 */
export function createLogger(level: LevelWithSilent = 'info', base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    // The version in every line: a log search across a rollout tells old pods from new ones.
    base: { service: 'otklik', version: VERSION, ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'text',
        '*.text',
        'author',
        '*.author',
        'password',
        '*.password',
        'sasl',
        '*.sasl',
        'redisUrl',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
