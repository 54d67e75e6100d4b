// The fast path of reading a target file. The `yaml` library (which keeps every node's position,
// so problems can name their line) takes 60-150 ms to load and to parse its first document in a
// fresh process, most of a `coldbench validate`. js-yaml parses the same text in a few ms, so a file
// is read with it first, and with `yaml` only when a line is needed for a problem or when the text
// is one js-yaml could read differently (see quickParse). Both must give the same data:
// test/config-quick-parse.test.ts compares them on every target file and on tricky scalars.
import { FAILSAFE_SCHEMA, load, Type, type State } from 'js-yaml';
import type { FieldPath } from './problems.js';

// The YAML 1.2 core schema exactly as the `yaml` library resolves plain scalars
// (yaml/dist/schema/core: null, bool, int, float), so both libraries agree on every plain scalar.
// js-yaml's own core schema is wider (binary 0b, underscores in numbers).
const scalar = (tag: string, test: RegExp, construct: (text: string) => unknown): Type =>
  new Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (text: string | null) => text !== null && test.test(text), construct: (text: string) => construct(text) });

const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => text[0] === 't' || text[0] === 'T'),
    scalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (text) =>
      text.startsWith('0o') ? parseInt(text.slice(2), 8) : text.startsWith('0x') ? parseInt(text.slice(2), 16) : parseInt(text, 10),
    ),
    scalar('float', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/, (text) =>
      /nan$/i.test(text) ? NaN : /inf$/i.test(text) ? (text[0] === '-' ? -Infinity : Infinity) : parseFloat(text),
    ),
  ],
});

export interface QuickDocument {
  data: unknown;
  /** Line (1-based) where a mapping or sequence of `data` starts, as the `yaml` library counts it. */
  lineOfCollection(value: object): number | undefined;
}

/** The data of a target file, or undefined when the text needs the full parser: a syntax error,
 *  a duplicate key or several documents (the full parser names the line), an alias (the full
 *  parser bounds alias expansion) or a tag (`!!int 5`, `!custom`: resolved by the full parser). */
export function quickParse(text: string): QuickDocument | undefined {
  if (text.includes('*') || text.includes('!')) return undefined;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  // A node opens where the reader stands, before the blanks and comments in front of its content.
  const contentStart = (offset: number): number => {
    let i = offset;
    for (let guard = 0; guard < text.length && i < text.length; guard += 1) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i += 1;
      else if (c === '#') i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
      else break;
    }
    return i;
  };
  const lines = new WeakMap<object, number>();
  const opened: number[] = [];
  const listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      opened.push(state.position);
      return;
    }
    const start = opened.pop();
    const result: unknown = state.result;
    if (start !== undefined && result !== null && typeof result === 'object' && !lines.has(result)) lines.set(result, lineAt(contentStart(start)));
  };
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA, listener });
  } catch {
    return undefined;
  }
  return { data, lineOfCollection: (value) => lines.get(value) };
}

/** Line of a sequence item (a path ending in an index, such as a target's) read by the quick
 *  parser; undefined for anything else, which the full parser answers. */
export function quickLine(quick: QuickDocument | undefined, fieldPath: FieldPath): number | undefined {
  if (!quick || typeof fieldPath[fieldPath.length - 1] !== 'number') return undefined;
  let value: unknown = quick.data;
  for (const part of fieldPath) {
    if (Array.isArray(value) && typeof part === 'number') value = value[part];
    else if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof part === 'string') value = (value as Record<string, unknown>)[part];
    else return undefined;
  }
  return value !== null && typeof value === 'object' ? quick.lineOfCollection(value) : undefined;
}
