import { basename, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each slow file took in a full run on the 2-core machine (3 files at a time, unit and integration
 * files in one pool), by file name so that a move keeps its entry; only their order matters (a name two
 * files share takes the slower one's figure). A file missing here keeps vitest's own order, after these.
 */
const KNOWN_SECONDS: Record<string, number> = {
  'redis-outage.test.ts': 73,
  'short-chaos.test.ts': 62,
  'hostile-processing.test.ts': 52,
  'kafka-scripts.test.ts': 41,
  'consumer-group.test.ts': 41,
  'redis-partition.test.ts': 23,
  'bench-analytics.test.ts': 18,
  'sweepers.test.ts': 15,
  'appeal-lifecycle.test.ts': 15,
  'registry-java.test.ts': 15,
  'graceful-stop.test.ts': 14,
  'redis-cluster-failover.test.ts': 14,
  'analytics-sink.test.ts': 14,
  'incident-service.test.ts': 13,
  'registry-readers.test.ts': 13,
  'commands.test.ts': 12,
  'redis-failover.test.ts': 12,
  'three-broker-producer.test.ts': 11,
  'hostile-fields.test.ts': 10,
  'model-vs-redis.test.ts': 10,
  'secure-stack.test.ts': 9,
  'snapshot-100k.test.ts': 8,
  'pipeline.test.ts': 8,
  'report.browser.test.ts': 7,
  'model-vs-redis-appeals.test.ts': 7,
  'classify-lines.test.ts': 7,
  'sla-rebuild.test.ts': 7,
  'bench-sla.test.ts': 7,
  'decisions-cli.test.ts': 6,
  'board.browser.test.ts': 5,
  'built-worker.test.ts': 5,
  'sweeper-lifecycle.test.ts': 5,
  'operator-actions.test.ts': 5,
  'dead-letters.test.ts': 5,
  'worker-process.test.ts': 5,
  'hostile-input.test.ts': 5,
};

/**
 * Vitest runs the files it has no timing for (a fresh clone, as in CI) largest first; the slowest
 * integration files are small, so they started last and ran alone at the end while the other workers sat
 * idle. This sequencer starts the files known to be slow first: by vitest's recorded duration when it
 * has one, by the table above otherwise. Files of one group (projects with the same groupOrder share a
 * pool of workers) are ordered together, whatever their project; groups keep vitest's order.
 */
export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const expectedMs = (spec: TestSpecification) => {
      const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      const known = this.ctx.cache.getFileTestResults(key)?.duration;
      return known ?? (KNOWN_SECONDS[basename(spec.moduleId)] ?? -1) * 1000;
    };
    const group = (spec: TestSpecification) => spec.project.config.sequence.groupOrder;
    const result: TestSpecification[] = [];
    let run: TestSpecification[] = [];
    const flush = () => {
      // Array.prototype.sort is stable: files with no estimate keep vitest's order, after the others.
      result.push(...run.sort((a, b) => expectedMs(b) - expectedMs(a)));
      run = [];
    };
    for (const spec of sorted) {
      if (run.length > 0 && group(run[0] as TestSpecification) !== group(spec)) flush();
      run.push(spec);
    }
    flush();
    return result;
  }
}
