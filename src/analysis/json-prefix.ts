/**
 * Whether a text is the beginning of some JSON document: every character so far is where JSON allows
 * it, and the text could be completed into a valid document by appending characters. A JSON document
 * cut short (an output limit, a dropped connection) is a JSON prefix; a Python dict repr
 * (`{'a': 1}`), `[<enum 'X'>]` or an INI file (`[metadata]`) start like JSON but are not.
 *
 * One pass, constant work per character, no allocation beyond a stack of open containers.
 */
export function isJsonPrefix(text: string): boolean {
  const containers: ('object' | 'array')[] = [];
  // What may come next, outside a string, number or literal.
  let expect: 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after' = 'value';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    switch (expect) {
      case 'key':
      case 'key-or-close':
        if (c === 0x7d && expect === 'key-or-close') {
          containers.pop();
          expect = 'after';
          i++;
          break;
        }
        if (c !== 0x22) return false;
        i = skipString(text, i + 1);
        if (i === CUT_SHORT) return true;
        if (i === NOT_JSON) return false;
        expect = 'colon';
        break;
      case 'colon':
        if (c !== 0x3a) return false;
        expect = 'value';
        i++;
        break;
      case 'after': {
        const open = containers[containers.length - 1];
        if (open === undefined) return false; // text after a complete document
        if (c === 0x2c) expect = open === 'object' ? 'key' : 'value';
        else if ((c === 0x7d && open === 'object') || (c === 0x5d && open === 'array')) containers.pop();
        else return false;
        i++;
        break;
      }
      case 'value':
      case 'value-or-close':
        if (c === 0x5d && expect === 'value-or-close') {
          containers.pop();
          expect = 'after';
          i++;
          break;
        }
        if (c === 0x7b) {
          containers.push('object');
          expect = 'key-or-close';
          i++;
        } else if (c === 0x5b) {
          containers.push('array');
          expect = 'value-or-close';
          i++;
        } else if (c === 0x22) {
          i = skipString(text, i + 1);
          if (i === CUT_SHORT) return true;
          if (i === NOT_JSON) return false;
          expect = 'after';
        } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          const end = numberEnd(text, i);
          const token = text.slice(i, end);
          if (!(end === n ? NUMBER_PREFIX.test(token) : NUMBER.test(token))) return false;
          i = end;
          expect = 'after';
        } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
          const literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
          const rest = text.slice(i, i + literal.length);
          if (!literal.startsWith(rest)) return false;
          if (rest.length < literal.length) return true; // cut short inside the literal
          i += literal.length;
          expect = 'after';
        } else {
          return false;
        }
        break;
    }
  }
  return true;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** A number that may still be growing when the text ends: `-`, `1.`, `2e`, `2e+`. */
const NUMBER_PREFIX = /^-?(?:(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][+-]?\d*)?)?$/;

function numberEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) i++;
    else break;
  }
  return i;
}

const CUT_SHORT = -1;
const NOT_JSON = -2;

/**
 * From just after an opening quote: the index after the closing quote, {@link CUT_SHORT} when the
 * text ends inside the string, or {@link NOT_JSON} at an unescaped control character.
 */
function skipString(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      i += 2;
      continue;
    }
    if (c < 0x20) return NOT_JSON;
    i++;
  }
  return CUT_SHORT;
}
