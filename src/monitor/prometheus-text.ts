/** One sample line of the Prometheus text exposition format 0.0.4. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  /** The value; `NaN`, `+Inf` and `-Inf` are allowed by the format. */
  value: number;
  /** Optional timestamp, milliseconds since the Unix epoch. */
  timestampMs?: number;
}

export interface PrometheusText {
  samples: PrometheusSample[];
  /** Metric family name to its `# TYPE` (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
  /** Metric family name to its unescaped `# HELP` text. */
  help: Map<string, string>;
}

/** An exposition text that does not follow format 0.0.4; `line` counts from 1. */
export class PrometheusParseError extends Error {
  readonly code = 'prometheus_parse_failed';

  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'PrometheusParseError';
  }
}

const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|inf|NaN|nan)$/;

/** Parses a Prometheus text exposition (format 0.0.4) into samples plus the families' TYPE and HELP. */
export function parsePrometheusText(text: string): PrometheusText {
  const result: PrometheusText = { samples: [], types: new Map(), help: new Map() };
  const lines = text.split('\n');

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      parseComment(trimmed, result);
      continue;
    }
    result.samples.push(parseSampleLine(line, i + 1));
  }
  return result;
}

function parseComment(line: string, result: PrometheusText): void {
  const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
  if (!match) return; // any other comment carries no data
  const [, keyword, name, rest = ''] = match;
  if (keyword === 'TYPE') result.types.set(name!, rest.trim());
  else result.help.set(name!, rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')));
}

function parseSampleLine(line: string, lineNumber: number): PrometheusSample {
  const fail = (problem: string): never => {
    throw new PrometheusParseError(lineNumber, `${problem} in "${line.length > 200 ? `${line.slice(0, 200)}...` : line}"`);
  };

  let pos = skipBlanks(line, 0);
  NAME.lastIndex = pos;
  const name = NAME.exec(line)?.[0] ?? fail('expected a metric name');
  pos = skipBlanks(line, pos + name.length);

  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos = skipBlanks(line, pos + 1);
    while (line[pos] !== '}') {
      LABEL_NAME.lastIndex = pos;
      const label = LABEL_NAME.exec(line)?.[0] ?? fail(`expected a label name at column ${pos + 1}`);
      pos = skipBlanks(line, pos + label.length);
      if (line[pos] !== '=') fail(`expected "=" after label ${label}`);
      pos = skipBlanks(line, pos + 1);
      if (line[pos] !== '"') fail(`expected a quoted value for label ${label}`);
      const value = readQuoted(line, pos + 1, (problem) => fail(`${problem} in the value of label ${label}`));
      labels[label] = value.text;
      pos = skipBlanks(line, value.end);
      if (line[pos] === ',') pos = skipBlanks(line, pos + 1);
      else if (line[pos] !== '}') fail(`expected "," or "}" after label ${label}`);
    }
    pos = skipBlanks(line, pos + 1);
  }

  const [valueText, timestampText, extra] = line.slice(pos).trim().split(/[ \t]+/);
  if (valueText === undefined || valueText === '' || !FLOAT.test(valueText)) fail(`invalid sample value "${valueText ?? ''}"`);
  if (extra !== undefined) fail('unexpected text after the timestamp');

  const sample: PrometheusSample = { name, labels, value: parseFloatValue(valueText!) };
  if (timestampText !== undefined) {
    if (!/^-?\d+$/.test(timestampText)) fail(`invalid timestamp "${timestampText}", expected integer milliseconds`);
    sample.timestampMs = Number(timestampText);
  }
  return sample;
}

function parseFloatValue(text: string): number {
  const unsigned = text.replace(/^[+-]/, '').toLowerCase();
  if (unsigned === 'nan') return NaN;
  if (unsigned === 'inf') return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** Reads a label value after its opening quote. The format defines three escapes, `\\`, `\"` and `\n`; any other is invalid. */
function readQuoted(line: string, start: number, fail: (problem: string) => never): { text: string; end: number } {
  let text = '';
  for (let i = start; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') return { text, end: i + 1 };
    if (c !== '\\') {
      text += c;
      continue;
    }
    const next = line[++i];
    if (next === 'n') text += '\n';
    else if (next === '\\' || next === '"') text += next;
    else fail(`invalid escape "\\${next ?? ''}"`);
  }
  return fail('missing closing quote');
}

function skipBlanks(line: string, pos: number): number {
  while (line[pos] === ' ' || line[pos] === '\t') pos++;
  return pos;
}
