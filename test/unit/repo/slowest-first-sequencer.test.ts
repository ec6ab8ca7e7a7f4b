/**
 * The order vitest starts test files in on a fresh clone (no recorded durations): the known slow
 * integration files first, though they are small files; the unit project still before integration.
 */
import type { TestSpecification, Vitest } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import SlowestFirstSequencer from '../../support/slowest-first-sequencer.js';

const ROOT = '/repo';

function spec(project: 'unit' | 'integration', path: string, size: number): TestSpecification {
  return {
    project: {
      name: project,
      config: { sequence: { groupOrder: project === 'unit' ? 0 : 1 }, isolate: true },
    },
    moduleId: `${ROOT}/${path}`,
    size,
  } as unknown as TestSpecification;
}

function sequencer(durations: Record<string, number> = {}): SlowestFirstSequencer {
  const specs = new Map<string, number>();
  const ctx = {
    config: { root: ROOT },
    cache: {
      getFileTestResults: (key: string) =>
        key in durations ? { duration: durations[key], failed: false } : undefined,
      getFileStats: (key: string) => ({ size: specs.get(key) ?? 0 }),
    },
  };
  const s = new SlowestFirstSequencer(ctx as unknown as Vitest);
  const sort = s.sort.bind(s);
  s.sort = (files) => {
    for (const f of files) {
      const { project, moduleId, size } = f as unknown as {
        project: { name: string };
        moduleId: string;
        size: number;
      };
      specs.set(`${project.name}:${moduleId.slice(ROOT.length + 1)}`, size);
    }
    return sort(files);
  };
  return s;
}

const files = [
  spec('integration', 'test/integration/adapters/redis/lua-tables.test.ts', 12_000),
  spec('integration', 'test/integration/adapters/kafka/three-broker-producer.test.ts', 1_800),
  spec('unit', 'test/unit/core/sla/model.test.ts', 4_000),
  spec('integration', 'test/integration/apps/cli/dlq-cli.test.ts', 11_000),
  spec('integration', 'test/integration/roles/worker/redis-outage.test.ts', 7_000),
];
const names = (sorted: TestSpecification[]) => sorted.map((f) => f.moduleId.split('/').at(-1));

describe('slowest-first sequencer', () => {
  it('with no recorded durations, starts the known slow files first, then the rest largest first', async () => {
    expect(names(await sequencer().sort(files))).toEqual([
      'model.test.ts',
      'redis-outage.test.ts',
      'three-broker-producer.test.ts',
      'lua-tables.test.ts',
      'dlq-cli.test.ts',
    ]);
  });

  it('prefers the durations vitest recorded on this machine', async () => {
    const recorded = {
      'integration:test/integration/apps/cli/dlq-cli.test.ts': 200_000,
      'integration:test/integration/adapters/kafka/three-broker-producer.test.ts': 50_000,
    };
    expect(names(await sequencer(recorded).sort(files)).slice(1, 3)).toEqual([
      'dlq-cli.test.ts',
      'redis-outage.test.ts',
    ]);
  });
});
