// "Did you mean ...?": the keyword nearest to a misspelt word, by edit distance.

/** Levenshtein distance with adjacent transpositions (`cryto`/`crypto` is 1, `isakpm`/`isakmp` 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The option nearest to `word` (case-insensitive), when it is near enough to be a typo: at
 * most a third of the word's letters wrong. Ties go to the option listed first.
 */
export function nearestKeyword(word: string, options: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  if (lower.length < 2 || lower.length > 40) return undefined;
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const option of options) {
    if (Math.abs(option.length - lower.length) > limit) continue;
    const distance = editDistance(lower, option.toLowerCase());
    if (distance < bestDistance) {
      best = option;
      bestDistance = distance;
    }
  }
  return best;
}
