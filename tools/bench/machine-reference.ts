/**
 * CPU milliseconds of a fixed integer loop, printed beside benchmark results so runs on different or busy
 * machines can be compared (a quiet modern core takes about 100–150 ms).
 */
export function referenceMs(): number {
  // The loop is warmed before it is timed. Timed cold, V8 ran the 300M steps on-stack-replaced into
  // code about ten times slower on some calls and not on others: in one process on a quiet machine
  // four calls took 1,453, 1,378, 150 and 169 ms, so the figure said more about the JIT than about the
  // machine. Warmed, 18 calls in six processes took 144–162 ms.
  let x = 0;
  for (let k = 0; k < 5; k++) x ^= spin(10_000_000);
  const c0 = process.cpuUsage();
  x ^= spin(300_000_000);
  const c = process.cpuUsage(c0);
  return x === 1 ? -1 : Math.round((c.user + c.system) / 1000);
}

function spin(steps: number): number {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + i * 7) | 0;
  return x;
}

export function referenceLine(reference: number): string {
  return `machine reference: 300M-step integer loop took ${reference} ms of CPU (a quiet modern core: 100–150 ms)`;
}
