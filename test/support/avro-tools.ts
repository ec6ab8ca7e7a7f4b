/**
 * Apache Avro's Java tools (avro-tools, fetched by scripts/avro-tools/fetch.sh) in one long-lived JVM:
 * test/interop/avro-tools/AvroToolsServer.java runs each command with the classes `java -jar
 * avro-tools.jar <command>` would, without a JVM start per command.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVER = join(ROOT, 'test', 'interop', 'avro-tools', 'AvroToolsServer.java');

export interface AvroTools {
  /** Runs `avro-tools <command> <args>` and resolves with what it wrote to stdout; rejects on a non-zero exit. */
  run(command: 'fromjson' | 'tojson' | 'fragtojson', ...args: string[]): Promise<Buffer>;
  close(): Promise<void>;
}

export function startAvroTools(): AvroTools {
  const jar = execFileSync('bash', [join(ROOT, 'scripts', 'avro-tools', 'fetch.sh')], {
    encoding: 'utf8',
    timeout: 300_000,
  }).trim();
  const outputs = mkdtempSync(join(tmpdir(), 'otklik-avro-tools-'));
  // Short-lived work: the C1 compiler and the serial GC start it with about half the CPU.
  const child: ChildProcessWithoutNullStreams = spawn(
    'java',
    ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', jar, SERVER],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(line));
  void exited.then(() => {
    for (const reply of waiting.splice(0)) reply(`1\tavro-tools server exited: ${stderr.trim()}`);
  });
  // One command at a time: replies come back in order, and a test awaits each before the next.
  let queue: Promise<unknown> = Promise.resolve();
  let calls = 0;

  const call = async (command: string, args: string[]): Promise<Buffer> => {
    if (args.some((a) => /[\t\n]/.test(a)))
      throw new Error('avro-tools arguments may not hold tabs or newlines');
    const output = join(outputs, `out-${calls++}`);
    const reply = new Promise<string>((resolve) => waiting.push(resolve));
    child.stdin.write(`${[output, command, ...args].join('\t')}\n`);
    const [code, message] = (await reply).split('\t');
    if (code !== '0') throw new Error(`avro-tools ${command} exited ${code}: ${message ?? ''}`);
    const bytes = readFileSync(output);
    rmSync(output, { force: true });
    return bytes;
  };

  return {
    run(command, ...args) {
      const result = queue.then(() => call(command, args));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      child.stdin.end();
      await exited;
      rmSync(outputs, { recursive: true, force: true });
    },
  };
}
