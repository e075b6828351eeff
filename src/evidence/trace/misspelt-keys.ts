/**
 * Keys that look like a misspelling of a key the format defines ("scoqeSpans", "atributes",
 * "parent_run_idd"): what a reader would otherwise ignore, losing the spans, attributes or parent
 * they hold without a word. A key that is merely unknown (a newer field, a vendor's extension) is
 * not one: only a key within a small edit distance of a known key (ignoring case and `_`) is.
 */

/** Keys longer than this are not compared (the edit distance is quadratic in the key's length). */
const MAX_COMPARED_LENGTH = 64;
/** Unknown keys looked at per object: a hostile record with a million keys costs a bounded check. */
const MAX_UNKNOWN_KEYS = 16;

export interface MisspeltKey {
  readonly key: string;
  /** The known key it was probably meant to be. */
  readonly expected: string;
}

/**
 * The misspelt keys of `record`: keys not `known` that resemble one of `meant` (by default the known
 * keys themselves; a reader may pass only the keys it reads, where the format has more). With
 * `absentOnly`, a key counts only when the key it resembles is missing from the record (then the
 * known key "was expected" and its content is what is lost).
 */
export function misspeltKeys(record: object, known: ReadonlySet<string>, absentOnly: boolean, meant: ReadonlySet<string> = known): MisspeltKey[] {
  let found: MisspeltKey[] | undefined;
  let unknown = 0;
  for (const key in record) {
    if (known.has(key)) continue;
    if (++unknown > MAX_UNKNOWN_KEYS) break;
    const expected = resembled(key, meant);
    if (expected === undefined || (absentOnly && Object.hasOwn(record, expected))) continue;
    (found ??= []).push({ key, expected });
  }
  return found ?? [];
}

/** "atributes" (did you mean "attributes"?): for a problem message. */
export function describeMisspelt(misspelt: readonly MisspeltKey[]): string {
  return misspelt.map(({ key, expected }) => `${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)} (did you mean "${expected}"?)`).join(', ');
}

function resembled(key: string, known: ReadonlySet<string>): string | undefined {
  if (key.length > MAX_COMPARED_LENGTH) return undefined;
  const plain = normalized(key);
  // Short keys tolerate one edit: two would make "id" resemble "name".
  const limit = plain.length <= 5 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = boundedDistance(plain, normalized(candidate), limit);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function normalized(key: string): string {
  return key.toLowerCase().replaceAll('_', '');
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment), or limit + 1 once it must exceed `limit`. */
function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (before[j - 2] ?? 0) + 1);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}
