/**
 * P(N >= n) for N ~ Poisson(lambda): the tail the scan test compares with alpha. Summed from the
 * largest term downwards in log space so small lambdas and large n neither underflow nor lose precision.
 */
export function poissonUpperTail(n: number, lambda: number): number {
  if (n <= 0) return 1;
  if (lambda <= 0) return 0;
  // P(N >= n) = 1 - P(N <= n - 1); for n well above lambda sum the upper terms directly.
  if (n > lambda) {
    let logTerm = -lambda + n * Math.log(lambda) - logFactorial(n);
    let sum = 0;
    for (let k = n; k < n + 1000; k++) {
      const term = Math.exp(logTerm);
      sum += term;
      if (term < sum * 1e-12) break;
      logTerm += Math.log(lambda) - Math.log(k + 1);
    }
    return Math.min(1, sum);
  }
  let term = Math.exp(-lambda);
  let cdf = 0;
  for (let k = 0; k < n; k++) {
    cdf += term;
    term *= lambda / (k + 1);
  }
  return Math.max(0, 1 - cdf);
}

function logFactorial(n: number): number {
  let s = 0;
  for (let k = 2; k <= n; k++) s += Math.log(k);
  return s;
}
