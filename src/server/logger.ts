/** The server's pino logger: JSON lines, with credentials and secrets redacted wherever they appear. */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths pino censors in every log line. */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'token',
  '*.token',
  'passphrase',
  '*.passphrase',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'env.PULUMI_CONFIG_PASSPHRASE',
];

/** A logger at `level` (default `info`) writing to `destination` (default stderr). */
export function createLogger(
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'stackpilot' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination(2),
  );
}
