// Where a value was written in a scenario file. Kept apart from positions.ts, which builds lookups
// from the YAML parser's nodes: these types appear in the shipped declarations, and must not make
// a consumer's type check resolve the parser (a dependency bundled into dist, not installed).
import type { PathSegment } from './errors';

export interface Position {
  line: number;
  col: number;
}

export interface PositionLookup {
  /**
   * Where the value at `path` was written, or its key with `target: 'key'` (for unknown keys).
   * A path that was not written (a missing key) gives its nearest written ancestor.
   */
  find(path: readonly PathSegment[], target?: 'key' | 'value'): Position | undefined;
  /** the text of a 1-based line, without its line break */
  lineText(line: number): string | undefined;
  /** a scalar exactly as written, e.g. `0644` where the parsed value is the number 644 */
  rawScalar(path: readonly PathSegment[]): string | undefined;
  /** how a text value was quoted: `'single'` and `plain` YAML process no `\n` escapes, `"double"` (and JSON) do */
  scalarStyle?(path: readonly PathSegment[]): ScalarStyle | undefined;
}

export type ScalarStyle = 'plain' | 'single' | 'double' | 'block';
