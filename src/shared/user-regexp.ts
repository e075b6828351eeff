import { setFlagsFromString } from 'node:v8';

/**
 * Regular expressions written by users (mimir.yaml's errorResultPatterns) run over text written
 * by agents: with a backtracking engine, one pattern like `^(a+)+$` and one hostile tool result
 * hang mimir. They are compiled for V8's linear-time engine instead (the `l` flag, RE2 semantics:
 * no backreferences, no lookaround), whose matching time grows with the text, never exponentially.
 * It ships with Node, so no dependency (re2 needs a native build, the wasm ports are unmaintained);
 * a pattern it cannot run is refused when the config is read, with the reason.
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

/** A user's pattern, compiled to run in linear time; the reason when it cannot be. */
export function compileUserRegExp(source: string): { readonly regexp: RegExp } | { readonly error: string } {
  try {
    new RegExp(source);
  } catch (error) {
    return { error: `not a valid regular expression (${error instanceof Error ? error.message : String(error)})` };
  }
  if (linearEngineAvailable()) {
    try {
      return { regexp: new RegExp(source, LINEAR) };
    } catch {
      return { error: 'uses a backreference or lookaround, which cannot be matched in linear time: write it without (RE2 syntax)' };
    }
  }
  // Without the linear engine (a Node that dropped the flag), refuse what can backtrack without bound.
  return hasUnboundedBacktracking(source) ? { error: 'nests quantifiers or uses a backreference, which can take exponential time: write it without' } : { regexp: new RegExp(source) };
}

/** A conservative static check: a quantified group that itself holds a quantifier, or a backreference. */
export function hasUnboundedBacktracking(source: string): boolean {
  if (/\\[1-9]|\\k</.test(source)) return true;
  const groups: boolean[] = [];
  let quantifiedInside = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      i++;
      continue;
    }
    if (char === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      continue;
    }
    if (char === '(') {
      groups.push(quantifiedInside);
      quantifiedInside = false;
    } else if (char === ')') {
      const inner = quantifiedInside;
      quantifiedInside = groups.pop() ?? false;
      const next = source[i + 1];
      if (next === '*' || next === '+' || next === '{') {
        if (inner) return true;
        quantifiedInside = true;
      } else if (inner) quantifiedInside = true;
    } else if (char === '*' || char === '+' || char === '{') {
      quantifiedInside = true;
    }
  }
  return false;
}
