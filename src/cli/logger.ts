import type { Logger } from '../engine/runtime.ts';

/** Writes engine messages to stderr in k6's `WARN[0003] message` form, seconds since start in brackets. */
export function terminalLogger(stream: NodeJS.WriteStream = process.stderr, color = false): Logger & { errors: number } {
  const started = performance.now();
  const stamp = (): string => String(Math.floor((performance.now() - started) / 1000)).padStart(4, '0');
  const paint = (code: string, text: string): string => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const logger = {
    errors: 0,
    warn(message: string) {
      stream.write(`${paint('33', 'WARN')}[${stamp()}] ${message}\n`);
    },
    error(message: string) {
      logger.errors++;
      stream.write(`${paint('31', 'ERRO')}[${stamp()}] ${message}\n`);
    },
  };
  return logger;
}
