// Maps a JSON path (`server.steps[2].send`) back to where it was written in a YAML or JSON file.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { PathSegment } from './errors';
import type { Position, PositionLookup, ScalarStyle } from './position-types';

const STYLES: Partial<Record<string, ScalarStyle>> = {
  PLAIN: 'plain',
  QUOTE_SINGLE: 'single',
  QUOTE_DOUBLE: 'double',
  BLOCK_LITERAL: 'block',
  BLOCK_FOLDED: 'block',
};

interface Located {
  node: Node;
  key?: Node;
  /** false when the walk stopped early at an ancestor */
  exact: boolean;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** `doc` is absent when the text was rejected before parsing; lines and columns still work. */
export function positionsOf(doc: Document | undefined, lineCounter: LineCounter, text: string): PositionLookup {
  const locate = (path: readonly PathSegment[]): Located | undefined => {
    let node = (doc?.contents ?? null) as Node | null;
    if (doc === undefined || node === null) return undefined;
    let key: Node | undefined;
    // Bounded by the path length; aliases are followed one step per segment, so a cycle cannot loop.
    for (const segment of path) {
      if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? node;
      let next: Node | null | undefined;
      let nextKey: Node | undefined;
      if (isMap(node)) {
        const pair: Pair<unknown, unknown> | undefined = node.items.find((p) => keyText(p.key) === String(segment));
        if (pair !== undefined) {
          nextKey = pair.key as Node;
          next = (pair.value as Node | null) ?? null;
          // `key:` with nothing after it: point at the key.
          if (next === null || (isScalar(next) && next.source === '' && next.value === null)) next = nextKey;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment] as Node | undefined;
      }
      if (next === undefined || next === null) return { node, key, exact: false };
      node = next;
      key = nextKey;
    }
    return { node, key, exact: true };
  };

  const toPosition = (node: Node | undefined): Position | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };

  return {
    find(path, target = 'value') {
      const found = locate(path);
      if (found === undefined) return { line: 1, col: 1 };
      if (target === 'key' && found.exact && found.key !== undefined) return toPosition(found.key);
      return toPosition(found.node);
    },
    lineText(line) {
      const starts = lineCounter.lineStarts;
      const start = starts[line - 1];
      if (start === undefined) return undefined;
      const end = starts[line] ?? text.length;
      return text.slice(start, end).replace(/\r?\n$/, '');
    },
    rawScalar(path) {
      const found = locate(path);
      if (found === undefined || !found.exact || !isScalar(found.node)) return undefined;
      return (found.node as { source?: string }).source;
    },
    scalarStyle(path) {
      const found = locate(path);
      if (found === undefined || !found.exact || !isScalar(found.node)) return undefined;
      return STYLES[String(found.node.type)];
    },
  };
}
