import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../../..');

/** Relative imports (type-only ones too: a cycle of types is still a tangle) of every .ts file under `dir`. */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const path = join(dir, file);
    const source = readFileSync(path, 'utf8');
    const targets: string[] = [];
    for (const m of source.matchAll(/\b(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)) {
      targets.push(resolve(dirname(path), (m[1] as string).replace(/\.js$/, '.ts')));
    }
    graph.set(path, targets);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the list of files around it. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)));
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

describe('imports', () => {
  it('form no cycle in services/ (text.ts and vocabulary.ts imported each other)', () => {
    const cycles = cyclesOf(importGraph(join(ROOT, 'services')));
    expect(cycles.map((c) => c.map((f) => relative(ROOT, f)).join(' → '))).toEqual([]);
  });
});
