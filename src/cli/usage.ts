/** A command-line usage error: the CLI prints it with the command's --help hint and exits with 104. */
export class UsageError extends Error {
  readonly code = 'invalid_usage';
}

/** Parses `KEY=VALUE`; the flag name goes into the error message. */
export function keyValue(text: string, flag: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected KEY=VALUE`);
  return [text.slice(0, at), text.slice(at + 1)];
}

export function positiveInteger(text: string, flag: string, allowZero = false): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || (!allowZero && n === 0)) {
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return n;
}
