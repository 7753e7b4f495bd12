// How deeply lists and maps nest, measured without recursion. The YAML composer, `toJS` and
// `visit` recurse once per level and exhaust the stack near 850 levels in a plain Node process
// (measured, see MAX_NESTING), where they would show "Maximum call stack size exceeded" as if it
// were a problem of the file. So depth is checked twice before anything recurses: on the
// parser's token tree (what the composer will walk), then on the composed document with aliases
// followed (what `toJS` will build: `*a` inside `&b` inside `&c` nests all three).
import { isAlias, isCollection, isMap, isNode, isPair, isSeq, type CST, type Document, type Node } from 'yaml';

/**
 * Offset of the earliest list or map (block or flow) nested deeper than `limit` in the token
 * tree, or undefined. Quoted text is a scalar token here, so brackets inside strings never count.
 */
export function tokensTooDeepAt(tokens: readonly CST.Token[], limit: number): number | undefined {
  let found: number | undefined;
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token === null || token === undefined) continue;
    if (token.type === 'document') {
      stack.push({ token: token.value, depth });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) {
        found = found === undefined ? token.offset : Math.min(found, token.offset);
        continue;
      }
      for (const item of token.items as CST.CollectionItem[]) stack.push({ token: item.key, depth: depth + 1 }, { token: item.value, depth: depth + 1 });
    }
  }
  return found;
}

function childrenOf(doc: Document, node: unknown): Node[] {
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return isNode(target) ? [target] : [];
  }
  const kids: unknown[] = isMap(node) || isSeq(node) ? (node.items as unknown[]) : isPair(node) ? [node.key, node.value] : [];
  const out: Node[] = [];
  for (const kid of kids) {
    if (isPair(kid)) out.push(...childrenOf(doc, kid));
    else if (isNode(kid)) out.push(kid);
  }
  return out;
}

/**
 * Where lists and maps, counted through aliases, first nest deeper than `limit`: the alias that
 * brings in the excess (or the collection, without one), or undefined. Each node's height is
 * computed once, bottom-up with an explicit stack; an alias to its own ancestor adds nothing
 * (`toJS` builds such a cycle by reference, not by copying).
 */
export function documentTooDeep(doc: Document, limit: number): { node: Node; alias?: string } | undefined {
  const root = doc.contents;
  if (!isNode(root)) return undefined;
  const height = new Map<Node, number>();
  const visiting = new Set<Node>();
  const stack: Array<[Node, boolean]> = [[root, false]];
  while (stack.length > 0) {
    const [node, done] = stack.pop()!;
    if (done) {
      let h = 0;
      for (const kid of childrenOf(doc, node)) h = Math.max(h, height.get(kid) ?? 0);
      height.set(node, h + (isCollection(node) ? 1 : 0));
      visiting.delete(node);
      continue;
    }
    if (height.has(node) || visiting.has(node)) continue;
    visiting.add(node);
    stack.push([node, true]);
    for (const kid of childrenOf(doc, node)) if (!height.has(kid) && !visiting.has(kid)) stack.push([kid, false]);
  }
  if ((height.get(root) ?? 0) <= limit) return undefined;
  // Follow the deepest path down to the level beyond the limit.
  let node = root;
  let depth = 0;
  let alias: Node | undefined;
  for (;;) {
    if (isCollection(node) && ++depth > limit) break;
    if (isAlias(node)) alias = node;
    const kids = childrenOf(doc, node);
    if (kids.length === 0) break;
    node = kids.reduce((a, b) => ((height.get(b) ?? 0) > (height.get(a) ?? 0) ? b : a));
  }
  return alias !== undefined && isAlias(alias) ? { node: alias, alias: alias.source } : { node };
}
