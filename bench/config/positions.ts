// Where a field of a target file is: the line of a YAML node, found by its field path, so that
// every problem can name its line.
import type { Document, LineCounter, Node } from 'yaml';
import { yamlLibrary } from './yaml-library.js';
import type { FieldPath } from './problems.js';

/** Line of the first alias (`*name`) in the document. */
export function firstAliasLine(doc: Document, counter: LineCounter): number | undefined {
  const { visit } = yamlLibrary();
  let line: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.range) line = counter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/** Line of the node at `fieldPath`, or of its nearest existing ancestor (unless exactOnly). */
export function findLine(doc: Document, counter: LineCounter, fieldPath: FieldPath, exactOnly = false): number | undefined {
  const { isMap, isScalar, isSeq } = yamlLibrary();
  let node: Node | null | undefined = doc.contents as Node | null;
  let lastLine: number | undefined = node?.range ? counter.linePos(node.range[0]).line : undefined;
  for (const part of fieldPath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      if (!pair) return exactOnly ? undefined : lastLine;
      const keyNode = pair.key as Node;
      if (keyNode.range) lastLine = counter.linePos(keyNode.range[0]).line;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) return exactOnly ? undefined : lastLine;
      if (item.range) lastLine = counter.linePos(item.range[0]).line;
      node = item;
    } else {
      return exactOnly ? undefined : lastLine;
    }
  }
  return lastLine;
}
