/** Structured JSON logs (pino): every line carries a component and the ids it concerns. */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.HOSTPLANE_LOG_LEVEL ?? 'info',
      base: { service: 'hostplane-controller' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secrets never reach a log line, whatever a caller passes.
      redact: { paths: ['token', '*.token', 'secret', '*.secret', 'authorization', '*.authorization'], censor: '[redacted]' },
    },
    options.destination ?? process.stdout,
  );
}

/** A logger that discards everything (tests, embedding). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
