import type { Logger } from 'pino';

/**
 * A role that acts on time rather than on records (a Kafka Streams punctuator): each `punctuate` does one
 * pass of its work and says how long to wait before the next.
 */
export interface Punctuator {
  /** One pass; resolves to the milliseconds to wait before the next one (0: straight away). */
  punctuate(): Promise<number>;
}

export interface PunctuatorLoopOptions {
  logger: Logger;
  /** What one pass is, in logs ("sweep"). */
  pass: string;
  /** Longest wait between passes, whatever a pass asks for, so new earlier work is seen soon. */
  maxWaitMs: number;
  /** Wait after a failed pass. */
  failureWaitMs: number;
}

/**
 * Runs a punctuator's passes one after another in the background until `close()`, which wakes a waiting
 * loop at once and resolves only after the pass in flight has finished: whatever a pass started (alerts
 * claimed, say) is completed, never cut off.
 */
export class PunctuatorLoop {
  private running = true;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly punctuator: Punctuator,
    private readonly options: PunctuatorLoopOptions,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let waitMs: number;
      try {
        waitMs = Math.min(await this.punctuator.punctuate(), this.options.maxWaitMs);
      } catch (error) {
        this.options.logger.warn(
          { err: (error as Error).message },
          `${this.options.pass} failed; will retry`,
        );
        waitMs = this.options.failureWaitMs;
      }
      if (waitMs > 0 && this.running) await this.sleep(waitMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Idempotent: no pass starts after it; resolves once the pass in flight has finished. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.running = false;
      this.wake?.();
      await this.loop;
    })();
    return this.closing;
  }
}
