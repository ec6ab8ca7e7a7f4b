/**
 * CPU milliseconds of a fixed integer loop, printed beside benchmark results so runs on different or busy
 * machines can be compared (a quiet modern core takes about 100–150 ms).
 */
export function referenceMs(): number {
  const c0 = process.cpuUsage();
  let x = 0;
  for (let i = 0; i < 300_000_000; i++) x = (x + i * 7) | 0;
  const c = process.cpuUsage(c0);
  return x === 1 ? -1 : Math.round((c.user + c.system) / 1000);
}

export function referenceLine(reference: number): string {
  return `machine reference: 300M-step integer loop took ${reference} ms of CPU (a quiet modern core: 100–150 ms)`;
}
