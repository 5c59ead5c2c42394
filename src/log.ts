// Structured logs on stderr (stdout stays free for command output). Secrets never reach a log line:
// known secret fields are redacted wherever they appear.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['password', 'token', 'secret', '*.password', '*.token', '*.secret', 'headers.authorization', 'headers.cookie'],
        censor: '***',
      },
    },
    pino.destination(2),
  );
}
