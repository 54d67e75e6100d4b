// The full YAML parse (`yaml`, which keeps positions), done only when it is needed: for a
// problem's line, or for a text the quick parser leaves to it (see yaml-quick.ts).
import type * as Yaml from 'yaml';
import { ConfigError } from './problems.js';
import { firstAliasLine } from './positions.js';
import { yamlLibrary } from './yaml-library.js';

export interface FullDocument {
  doc: Yaml.Document;
  lineCounter: Yaml.LineCounter;
}

/** Parse with positions. Throws ConfigError naming the line of the first syntax error. */
export function parseFull(text: string, display: string): FullDocument {
  const { LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    // Only the first: after a syntax error the parser's further errors are mostly its echoes.
    throw new ConfigError(display, [
      {
        path: [],
        line: syntaxError.linePos?.[0]?.line ?? lineCounter.linePos(syntaxError.pos[0]).line,
        message: `invalid YAML: ${syntaxError.message.split('\n')[0]}`,
      },
    ]);
  }
  return { doc, lineCounter };
}

/** The document's data, aliases expanded within a bound (an alias bomb is a problem, not a hang). */
export function fullData({ doc, lineCounter }: FullDocument, display: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Aliases are resolved only here: an unknown anchor or an alias bomb throws a plain Error.
    throw new ConfigError(display, [{ path: [], line: firstAliasLine(doc, lineCounter), message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` }]);
  }
}
