/** Text and number helpers of the context analyses: whitespace, word boundaries, tool-result text, shares in whole percent. */
export function normalizeWhitespace(text: string): string {
  // Most texts are already normal (single spaces, nothing at the ends): returning them as they are
  // skips the regex replace and a copy. NOT_NORMAL finds exactly what the replace and trim would
  // change: any whitespace other than a space, two spaces in a row, or a space at either end.
  if (!NOT_NORMAL.test(text)) return text;
  return text.replace(/\s+/g, ' ').trim();
}

const NOT_NORMAL = /[^\S ]| {2}|^ | $/;

/**
 * Whether `needle` occurs in `haystack` not glued to a letter or digit on either side, so a short
 * goal such as "refund order 12" is not found inside "refund order 123".
 */
export function containsAtWordBoundary(haystack: string, needle: string): boolean {
  if (needle === '') return false;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (!isWordChar(haystack.charAt(at - 1)) && !isWordChar(haystack.charAt(at + needle.length))) return true;
  }
  return false;
}

function isWordChar(ch: string): boolean {
  return ch !== '' && /[\p{L}\p{N}]/u.test(ch);
}


/** A share in whole percent, rounded up so a share just over a bound never lands inside it. */
export function percentUp(share: number): number {
  return Math.min(100, percentUpUnbounded(share));
}

export function percentUpUnbounded(ratio: number): number {
  // The epsilon keeps exact ratios such as 0.29 (28.999… × 100 in floating point) in their own bucket.
  return Math.max(0, Math.ceil(ratio * 100 - 1e-9));
}

/** The smallest bucket at or below which `quantile` of the counts lie. */
export function percentile(counts: readonly number[], total: number, quantile: number): number {
  let cumulative = 0;
  for (const [bucket, count] of counts.entries()) {
    cumulative += count;
    if (cumulative >= quantile * total) return bucket;
  }
  return counts.length - 1;
}
