import { basename, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each slow integration file took in a full run on the 2-core machine (3 files at a time), by file name so that
 * a move keeps its entry; only their order matters. A file missing here keeps vitest's own order.
 */
const KNOWN_SECONDS: Record<string, number> = {
  // Unit files that start processes: they share the integration files' pool, so they are ordered too.
  'commands.test.ts': 20,
  'board-hardening.test.ts': 12,
  'classify-lines.test.ts': 9,
  'redis-outage.test.ts': 62,
  'short-chaos.test.ts': 50,
  'hostile-processing.test.ts': 43,
  'kafka-scripts.test.ts': 35,
  'consumer-group.test.ts': 33,
  'three-broker-producer.test.ts': 30,
  'redis-cluster-failover.test.ts': 27,
  'redis-partition.test.ts': 24,
  'graceful-stop.test.ts': 19,
  'incident-service.test.ts': 16,
  'sweepers.test.ts': 15,
  'registry-readers.test.ts': 14,
  'secure-stack.test.ts': 14,
  'avro-interop.test.ts': 12,
  'registry-java.test.ts': 11,
  'analytics-page.browser.test.ts': 14,
  'board.browser.test.ts': 14,
  'bench-analytics.test.ts': 11,
  'bench-sla.test.ts': 7,
  'incidents-panel.browser.test.ts': 11,
  'report.browser.test.ts': 10,
  'redis-failover.test.ts': 10,
  'analytics-sink.test.ts': 10,
  'snapshot-100k.test.ts': 8,
  'sla-rebuild.test.ts': 8,
  'pipeline.test.ts': 8,
  'appeal-lifecycle.test.ts': 12,
  'worker-process.test.ts': 7,
  'model-vs-redis.test.ts': 7,
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
