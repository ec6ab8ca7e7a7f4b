/** Classification metrics computed the way scikit-learn does (macro over the union of gold and predicted labels). */

export interface LabelStats {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

export interface Report {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Macro-F1 over the gold labels only (predictions of labels absent from the file are still errors). */
  macroF1GoldLabels: number;
  perLabel: LabelStats[];
  labels: string[];
  /** confusion[gold][pred] counts, indexed like `labels`. */
  confusion: number[][];
}

function f1Of(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

export function report(
  gold: readonly string[],
  pred: readonly string[],
  labelOrder: readonly string[] = [],
): Report {
  const present = new Set([...gold, ...pred]);
  const labels = [
    ...labelOrder.filter((l) => present.has(l)),
    ...[...present].filter((l) => !labelOrder.includes(l)).sort(),
  ];
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = index.get(gold[i] as string) as number;
    const p = index.get(pred[i] as string) as number;
    (confusion[g] as number[])[p] = ((confusion[g] as number[])[p] ?? 0) + 1;
    if (g === p) correct++;
  }
  const perLabel = labels.map((label, i) => {
    const tp = (confusion[i] as number[])[i] ?? 0;
    const support = (confusion[i] as number[]).reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + (row[i] ?? 0), 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    return { label, precision, recall, f1: f1Of(precision, recall), support, predicted };
  });
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    n: gold.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macroF1: mean(perLabel.map((s) => s.f1)),
    macroF1GoldLabels: mean(perLabel.filter((s) => s.support > 0).map((s) => s.f1)),
    perLabel,
    labels,
    confusion,
  };
}

/** Precision, recall and F1 of one positive label in a binary task. */
export function binary(
  gold: readonly boolean[],
  pred: readonly boolean[],
): { precision: number; recall: number; f1: number; accuracy: number; n: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    if (pred[i] && gold[i]) tp++;
    else if (pred[i]) fp++;
    else if (gold[i]) fn++;
    if (pred[i] === gold[i]) correct++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    precision,
    recall,
    f1: f1Of(precision, recall),
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    n: gold.length,
  };
}
