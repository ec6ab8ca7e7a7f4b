import { defineConfig } from 'vitest/config';
import SlowestFirstSequencer from './test/support/slowest-first-sequencer.js';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The slowest integration files start first, so none of them runs alone at the end.
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          // Unit files are pure and leave no global state behind: one module graph per worker instead of
          // one per file took the unit run from about 53 to 17 s on the 2-core machine (most of it was
          // importing the classifier's lexicons 72 times).
          isolate: false,
          // The same group and pool as the integration files (a group's projects must agree on
          // maxWorkers): the unit files fill the CPU the integration files leave while they wait on
          // outage windows and rebalances, instead of holding them back for a minute at the start.
          sequence: { groupOrder: 0 },
          maxWorkers: 3,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 0 },
          include: ['test/integration/**/*.test.ts'],
          // One module graph per worker, as for the unit files: each integration file leaves its own state
          // behind in processes, topics and prefixes it removes, not in modules (metrics registries are per
          // app). Same run, same machine, 64 files: 323 -> 257 CPU-s and 273 -> 251 s (import 70 -> 22 s).
          isolate: false,
          // Most integration files wait more than they compute (outage windows, rebalances, JVM start-ups):
          // three at a time on a 2-core machine took the suite from about 320 to 230 s, all passing.
          maxWorkers: 3,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Brokers the tests start of their own (kafka.sh, cluster.sh) run a few thousand messages and are
          // gone: the quick JIT and the serial collector start them with about a quarter less CPU, which the
          // other files running beside them on two cores get back. The stack's own broker keeps its flags.
          env: { KAFKA_JVM_OPTS: '-XX:+UseSerialGC -XX:TieredStopAtLevel=1' },
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/redis-cleanup.ts'],
        },
      },
    ],
  },
});
