/**
 * Finds a key written twice in one JSON object. `JSON.parse` keeps the last value, other readers
 * (and people) the first, so a ledger line `{"tool":"delete_record",…,"tool":"get_order"}` hashes as
 * a lookup while it reads as a deletion: in a ledger that is tampering, never a style question.
 *
 * One pass over text that is already known to be JSON (the caller parsed it), so only strings and
 * brackets matter. Keys are compared after unescaping: `"\u0074ool"` is `"tool"`.
 */

export interface DuplicateKey {
  /** The key as JSON.parse reads it. */
  readonly key: string;
  /** Where its object is: `arguments`, `result.content[]`, or '' at the top level. */
  readonly within: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

interface Level {
  /** Keys seen so far; undefined for an array. */
  readonly keys: Set<string> | undefined;
  readonly label: string;
  /** The last key read at this level: names the value that opens next. */
  lastKey: string;
}

/** The first key that repeats within one object of `json` (valid JSON), or undefined when none does. */
export function firstDuplicateKey(json: string): DuplicateKey | undefined {
  const levels: Level[] = [];
  const length = json.length;
  let i = 0;
  while (i < length) {
    const code = json.charCodeAt(i);
    if (code === QUOTE) {
      const start = i;
      let escaped = false;
      i++;
      while (i < length) {
        const c = json.charCodeAt(i);
        if (c === BACKSLASH) {
          escaped = true;
          i += 2;
        } else if (c === QUOTE) {
          break;
        } else {
          i++;
        }
      }
      const end = i;
      i++;
      const level = levels.at(-1);
      if (level?.keys === undefined || nextSignificant(json, i) !== COLON) continue;
      const key = escaped ? (JSON.parse(json.slice(start, end + 1)) as string) : json.slice(start + 1, end);
      if (level.keys.has(key)) return { key, within: level.label };
      level.keys.add(key);
      level.lastKey = key;
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      const parent = levels.at(-1);
      const label = parent === undefined ? '' : parent.keys === undefined ? `${parent.label}[]` : join(parent.label, parent.lastKey);
      levels.push({ keys: code === OPEN_BRACE ? new Set() : undefined, label, lastKey: '' });
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      levels.pop();
    }
    i++;
  }
  return undefined;
}

function nextSignificant(json: string, from: number): number | undefined {
  for (let i = from; i < json.length; i++) {
    const c = json.charCodeAt(i);
    // JSON whitespace: space, tab, line feed, carriage return.
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
  }
  return undefined;
}

function join(label: string, key: string): string {
  return label === '' ? key : `${label}.${key}`;
}
