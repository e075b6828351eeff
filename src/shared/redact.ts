import { compileUserRegExp } from './user-regexp.js';

/**
 * Redaction of credentials in text that came from traces, probes or the agent itself. A report or a
 * log line is shared (a CI artifact, a PR comment); a bearer token an agent logged in an error
 * message must not travel with it. A secret is replaced by a marker that keeps its kind,
 * `[redacted:aws-key]`, so a reader still sees what was there.
 *
 * Every built-in pattern runs in linear time: no quantified group holds a quantifier, every start
 * is anchored by a literal prefix or a bounded look-behind. User patterns are checked and compiled
 * like every user regular expression (shared/user-regexp.ts): refused when they could backtrack
 * without bound, run on the linear-time engine.
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

/** A pattern from mimir.yaml (`redaction.patterns`), compiled to run in linear time; throws what is wrong with it (the config check says so first). */
export function userSecretPattern(kind: string, source: string): SecretPattern {
  const compiled = compileUserRegExp(source, 'g');
  if ('error' in compiled) throw new Error(`redaction pattern ${kind}: ${JSON.stringify(source)} ${compiled.error}`);
  return { kind, pattern: compiled.regexp };
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
