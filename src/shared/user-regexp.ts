import { setFlagsFromString } from 'node:v8';

/**
 * Regular expressions written by users (mimir.yaml's errorResultPatterns and redaction.patterns)
 * run over text written by agents: with a backtracking engine, one pattern like `^(a+)+$` and one
 * hostile tool result hang mimir. Two defences, one module, for every user pattern:
 * 1. a static check refuses what can backtrack without bound (nested or alternating repetition, a
 *    back-reference), with the reason, when the config is read;
 * 2. what passes is compiled for V8's linear-time engine (the `l` flag, RE2 semantics: no
 *    backreferences, no lookaround), so even a polynomial pattern (`a*a*a*b`) stays linear in the
 *    text. It ships with Node, so no dependency (re2 needs a native build, the wasm ports are
 *    unmaintained); where the flag is missing the static check alone stands.
 */

/** V8's flag for its linear-time engine (a variable: lint knows only the standard flags). */
const LINEAR = 'l';

let linearEngine: boolean | undefined;

function linearEngineAvailable(): boolean {
  if (linearEngine === undefined) {
    try {
      // Process-wide and harmless: it only makes the `l` flag available.
      setFlagsFromString('--enable-experimental-regexp-engine');
      new RegExp('', LINEAR);
      linearEngine = true;
    } catch {
      linearEngine = false;
    }
  }
  return linearEngine;
}

/**
 * A user's pattern, compiled to run in linear time (with `flags`, e.g. `g`); the reason when it
 * cannot be: not a regular expression, refused by {@link unsafeRegexReason}, or needing
 * backtracking (lookaround).
 */
export function compileUserRegExp(source: string, flags = ''): { readonly regexp: RegExp } | { readonly error: string } {
  try {
    new RegExp(source, flags);
  } catch (error) {
    return { error: `not a valid regular expression (${error instanceof Error ? error.message : String(error)})` };
  }
  const unsafe = unsafeRegexReason(source);
  if (unsafe !== undefined) return { error: `could take very long on hostile text: ${unsafe}; write it with a character class instead` };
  if (!linearEngineAvailable()) return { regexp: new RegExp(source, flags) };
  try {
    return { regexp: new RegExp(source, flags + LINEAR) };
  } catch {
    return { error: 'uses a backreference or lookaround, which cannot be matched in linear time: write it without (RE2 syntax)' };
  }
}

/** `*`, `+` or a `{…}` after position `at` (a brace is counted even when malformed: conservative). */
function isRepetition(source: string, at: number): boolean {
  const next = source[at];
  return next === '*' || next === '+' || next === '{';
}

/**
 * Why a user's regular expression could take exponential time on hostile text, or undefined when
 * it looks safe. Conservative (a safe pattern may be refused, and can then be written with a
 * character class): it refuses a back-reference, and a repeated group (`*`, `+`, `{…}`) that holds
 * a repetition (`(a+)+`, `(x{2}){3}`, `((ab)*c)+`) or an alternation (`(a|aa)*`, `((a|b)c)*`).
 */
export function unsafeRegexReason(source: string): string | undefined {
  if (/\\[1-9]|\\k</.test(source)) return 'a back-reference cannot be matched in linear time';
  // For each open group: whether it holds a repetition or an alternation so far.
  const stack: { repeats: boolean; alternates: boolean }[] = [];
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
    } else if (ch === '[') {
      // A character class: nothing inside it is a group, a quantifier or an alternation.
      i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (ch === '(') {
      stack.push({ repeats: false, alternates: false });
    } else if (ch === '|') {
      const top = stack.at(-1);
      if (top) top.alternates = true;
    } else if (ch === ')') {
      const group = stack.pop() ?? { repeats: false, alternates: false };
      const repeated = isRepetition(source, i + 1);
      if (repeated && group.repeats) return `the group ending at character ${i + 1} repeats a repetition`;
      if (repeated && group.alternates) return `the group ending at character ${i + 1} repeats an alternation, which can match in several ways`;
      // What a group holds, the group around it holds too.
      const parent = stack.at(-1);
      if (parent && (repeated || group.repeats)) parent.repeats = true;
      if (parent && group.alternates) parent.alternates = true;
    } else if (ch === '*' || ch === '+' || ch === '{') {
      const top = stack.at(-1);
      if (top) top.repeats = true;
    }
  }
  return undefined;
}
