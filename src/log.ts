import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/**
 * Structured JSON logs. User text is only ever logged at debug level or below: callers put it
 * under the `text` key, which is removed unless the level is debug or trace.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const verbose = level === 'debug' || level === 'trace';
  return pino(
    {
      level,
      base: { app: 'foretagslotsen' },
      redact: verbose
        ? { paths: ['password', '*.password', 'token', '*.token'], censor: '[redacted]' }
        : { paths: ['text', '*.text', 'password', '*.password', 'token', '*.token'], remove: true },
    },
    destination,
  );
}
