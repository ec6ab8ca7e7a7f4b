import { mix32 } from './hash.js';

/**
 * MinHash signatures (Broder 1997) and their LSH bands (docs/incidents.md#campaigns-minhash-and-lsh).
 * The i-th hash function is mix32(x XOR seed_i) with fixed seeds, so signatures are the same on every run.
 */
export const SIGNATURE_SIZE = 24;
export const BAND_ROWS = 3;
export const BANDS = SIGNATURE_SIZE / BAND_ROWS;

const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => mix32(0x9e3779b9 + i * 0x7f4a7c15));

export function signatureOf(shingles: readonly number[]): Uint32Array {
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const s of shingles) {
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      const h = mix32(s ^ (SEEDS[i] as number));
      if (h < (sig[i] as number)) sig[i] = h;
    }
  }
  return sig;
}

/** The estimated Jaccard similarity of the two sets: the share of equal minima. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}

/** One key per band: texts that share any band key are candidates. */
export function bandKeys(sig: Uint32Array): string[] {
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = b;
    for (let r = 0; r < BAND_ROWS; r++) h = mix32(h ^ (sig[b * BAND_ROWS + r] as number));
    keys.push(`${b}:${h}`);
  }
  return keys;
}
