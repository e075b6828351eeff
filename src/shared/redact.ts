/**
 * Redaction of credentials in text that came from traces, probes or the agent itself. A report or a
 * log line is shared (a CI artifact, a PR comment); a bearer token an agent logged in an error
 * message must not travel with it. A secret is replaced by a marker that keeps its kind,
 * `[redacted:aws-key]`, so a reader still sees what was there.
 *
 * Every built-in pattern runs in linear time: no quantified group holds a quantifier, every start
 * is anchored by a literal prefix or a bounded look-behind. User patterns are checked for the same
 * property before they are accepted (see unsafeRegexReason).
 */

/** One shape of secret. `secret` is the named group replaced; text matched before it (`pre`) is kept. */
export interface SecretPattern {
  /** Kebab-case, shown in the marker: `[redacted:<kind>]`. */
  readonly kind: string;
  /** Global. A `pre` group, when present, is kept; the `secret` group, when present, is what is replaced (else the whole match). */
  readonly pattern: RegExp;
  /** Declines a match that is plainly not a secret (a word of prose after "Bearer"). */
  readonly accept?: (secret: string) => boolean;
}

/** A word of prose ("Basic troubleshooting", "Bearer tokens"): capitalised or not, letters only. */
const notAWord = (secret: string): boolean => !/^[A-Z]?[a-z]+$/.test(secret);

/** Not preceded by a character that would make the prefix the tail of a longer word ("desk-…" is no `sk-` key). */
const START = '(?<![A-Za-z0-9_])';

/**
 * The credential shapes mimir knows, most specific first: a provider key inside an assignment is
 * named by its provider, not as a generic assignment.
 */
export const BUILT_IN_SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    // An unterminated key (cut by a trace exporter) is redacted to the end of the text.
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$(?![\s\S]))/g,
  },
  { kind: 'anthropic-key', pattern: new RegExp(`${START}sk-ant-[A-Za-z0-9_-]{16,}`, 'g') },
  { kind: 'openai-key', pattern: new RegExp(`${START}sk-(?:proj-|svcacct-|admin-|live-)?[A-Za-z0-9_-]{16,}`, 'g') },
  { kind: 'stripe-key', pattern: new RegExp(`${START}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}`, 'g') },
  { kind: 'github-token', pattern: new RegExp(`${START}(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`, 'g') },
  { kind: 'slack-token', pattern: new RegExp(`${START}(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}`, 'g') },
  { kind: 'google-api-key', pattern: new RegExp(`${START}AIza[A-Za-z0-9_-]{30,}`, 'g') },
  { kind: 'aws-key', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16,}/g },
  {
    kind: 'aws-secret',
    pattern: /(?<pre>aws_?secret(?:_?access)?_?key["']?[ \t]{0,16}[:=][ \t]{0,16}["']?)(?<secret>[A-Za-z0-9/+=]{16,})/gi,
  },
  { kind: 'jwt', pattern: new RegExp(`${START}eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*`, 'g') },
  { kind: 'bearer-token', pattern: /(?<pre>\b[Bb]earer[ \t]{1,16})(?<secret>[A-Za-z0-9._~+/=-]{8,})/g, accept: notAWord },
  { kind: 'basic-auth', pattern: /(?<pre>\bBasic[ \t]{1,16})(?<secret>[A-Za-z0-9+/]{8,}={0,2})/g, accept: notAWord },
  {
    kind: 'url-password',
    // scheme://user:password@host — the scheme is bounded and must start a word, so a long run of letters is not re-scanned from every position.
    pattern: /(?<pre>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'<>]{0,256}:)(?<secret>[^\s/?#@"'<>]{1,256})(?=@)/g,
  },
  {
    kind: 'password',
    pattern: /(?<pre>\b(?:password|passwd|pwd)["']?[ \t]{0,16}[:=][ \t]{0,16}["']?)(?<secret>[^\s"'&;,<>]{1,256})/gi,
  },
  {
    kind: 'secret',
    pattern:
      /(?<pre>\b(?:secret|token|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|auth[_-]?token|client[_-]?secret|private[_-]?key)["']?[ \t]{0,16}[:=][ \t]{0,16}["']?)(?<secret>[^\s"'&;,<>]{3,256})/gi,
    // `token: 512` counts tokens; a secret is not a plain number, nor the marker of one already redacted.
    accept: (secret) => !/^\d+$/.test(secret) && !secret.startsWith('[redacted:'),
  },
];

/**
 * A substring every built-in pattern needs (case aside): text without one is left alone without
 * running the patterns, which is nearly all of a report's text. Kept in step with the patterns by a test.
 */
const BUILT_IN_TRIGGER = /-----BEGIN|sk-|[sr]k_|gh[pousr]_|github_pat_|xox|xapp-|AIza|A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)|eyJ|bearer|basic|:\/\/|passw|pwd|secret|token|key/i;

export function redactionMarker(kind: string): string {
  return `[redacted:${kind}]`;
}

/** A pattern from mimir.yaml (`redaction.patterns`), compiled. */
export function userSecretPattern(kind: string, source: string): SecretPattern {
  return { kind, pattern: new RegExp(source, 'g') };
}

/** Replaces every secret `patterns` find; built-in patterns first, then the user's. Linear in the text for the built-in patterns. */
export function redactSecrets(text: string, userPatterns: readonly SecretPattern[] = []): string {
  let result = text;
  const patterns = BUILT_IN_TRIGGER.test(text) ? [...BUILT_IN_SECRET_PATTERNS, ...userPatterns] : userPatterns;
  for (const { kind, pattern, accept } of patterns) {
    pattern.lastIndex = 0;
    if (!pattern.test(result)) continue;
    pattern.lastIndex = 0;
    result = result.replace(pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args.at(-1);
      const named = typeof groups === 'object' && groups !== null ? (groups as Record<string, string | undefined>) : {};
      const pre = named['pre'] ?? '';
      const secret = named['secret'] ?? match.slice(pre.length);
      if (secret === '' || (accept !== undefined && !accept(secret))) return match;
      const start = pre.length + match.slice(pre.length).indexOf(secret);
      return `${match.slice(0, start)}${redactionMarker(kind)}${match.slice(start + secret.length)}`;
    });
  }
  return result;
}

/**
 * Why a user's regular expression could take exponential or quadratic time on hostile text, or
 * undefined when it looks safe: a quantified group that itself holds a quantifier or an alternation
 * (`(a+)+`, `(a|aa)*`), or a back-reference. Conservative: a safe pattern may be refused, and can
 * then be written with a character class instead.
 */
export function unsafeRegexReason(source: string): string | undefined {
  if (/\\[1-9]|\\k</.test(source)) return 'back-references are not allowed';
  // For each open group: whether it holds a quantifier or an alternation so far.
  const stack: { risky: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      stack.push({ risky: false });
    } else if (ch === '|') {
      const top = stack.at(-1);
      if (top) top.risky = true;
    } else if (ch === ')') {
      const group = stack.pop();
      const next = source[i + 1];
      const quantified = next === '*' || next === '+' || (next === '{' && /^\{\d*,\d*\}|^\{\d+\}/.test(source.slice(i + 1)) && !/^\{\d+\}/.test(source.slice(i + 1)));
      if (group?.risky === true && quantified) return `the group ending at character ${i + 1} repeats something that can match in several ways`;
      // A quantifier on this group makes the group around it risky.
      const parent = stack.at(-1);
      if (parent && (quantified || group?.risky === true)) parent.risky = true;
    } else if (ch === '*' || ch === '+' || ch === '{') {
      const top = stack.at(-1);
      if (top && (ch !== '{' || /^\{\d*,?\d*\}/.test(source.slice(i)))) top.risky = true;
    }
  }
  return undefined;
}
