/**
 * What every report's input goes through once, before any renderer sees it: secrets redacted
 * (shared/redact.ts) and long strings cut with a marker. A trace or a probe can put anything into a
 * run id, an error message, a tool argument or the agent's claim; renderers then only ever see
 * bounded, redacted text, so each stays linear in its input and none can leak what it quotes.
 */
import { redactSecrets } from '../shared/redact.js';
import { markdownControls } from './markdown/escape.js';
import type { DisplayOptions, RedactionSetting, ReporterMap } from './types.js';

export const DEFAULT_REDACTION: RedactionSetting = { enabled: true, patterns: [] };

/** Identifiers (run, span, task, tool-call ids) keep this many characters; enough to tell any two real ids apart. */
export const MAX_ID_CHARS = 200;
/** Any other string (an error message, a tool result, a note) keeps this many characters. */
export const MAX_TEXT_CHARS = 2048;
/**
 * Redaction looks this far past the cut, so a secret that starts before the cut is redacted whole
 * before the cut is made (no half of a key survives); the rest of a huge string is never scanned.
 */
const REDACTION_MARGIN = 16_384;

/** Keys whose strings (or arrays of strings) are identifiers. */
const ID_KEY = /^(?:id|ids|run|runs)$|Ids?$/;

/** The marker at the end of a cut string: says how much is missing. */
export function cutMarker(missing: number): string {
  return `… [cut ${missing.toLocaleString('en-US')} characters]`;
}

/** Redacts, then cuts to `limit` characters (never inside a surrogate pair), with a marker saying how much was cut. */
export function boundText(text: string, limit: number, redaction: RedactionSetting = DEFAULT_REDACTION): string {
  const head = text.length > limit + REDACTION_MARGIN ? text.slice(0, limit + REDACTION_MARGIN) : text;
  const redacted = redaction.enabled ? redactSecrets(head, redaction.patterns) : head;
  if (redacted.length <= limit && head.length === text.length) return redacted;
  let keep = Math.min(limit, redacted.length);
  const last = redacted.charCodeAt(keep - 1);
  if (keep < redacted.length && last >= 0xd800 && last <= 0xdbff) keep--;
  return `${redacted.slice(0, keep)}${cutMarker(redacted.length - keep + (text.length - head.length))}`;
}

/**
 * A deep copy of a report's input with every string (and every record key) bounded and redacted.
 * Reports' inputs are plain data (objects, arrays, strings, numbers, booleans, null), which is what
 * the JSON reports write; anything else is copied as it is.
 */
export function boundReportInput<T>(input: T, redaction: RedactionSetting = DEFAULT_REDACTION): T {
  return bound(input, false, redaction) as T;
}

/**
 * A word of mimir's own vocabulary ('pass', 'human-oversight', 'insufficient-evidence'): renderers
 * look these up, so a user pattern that happens to match one (`[a-z]+`) must not turn an outcome or
 * an area into a marker. Secrets that user patterns describe carry digits or other characters.
 */
const VOCABULARY_WORD = /^[a-z]+(?:-[a-z]+)*$/;
/** A field name of a report's input (`byCode`, `p95`): renderers read fields by these names. */
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The built-in patterns only: they name credential shapes, which no field name or vocabulary word has. */
function builtInOnly(redaction: RedactionSetting): RedactionSetting {
  return redaction.patterns.length === 0 ? redaction : { ...redaction, patterns: [] };
}

function bound(value: unknown, isId: boolean, redaction: RedactionSetting): unknown {
  if (typeof value === 'string') return boundText(value, isId ? MAX_ID_CHARS : MAX_TEXT_CHARS, VOCABULARY_WORD.test(value) ? builtInOnly(redaction) : redaction);
  if (Array.isArray(value)) return value.map((item: unknown) => bound(item, isId, redaction));
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    let safeKey = boundText(key, MAX_ID_CHARS, FIELD_NAME.test(key) ? builtInOnly(redaction) : redaction);
    // Two keys redacted alike (two run ids holding different secrets) stay two entries.
    for (let n = 2; Object.hasOwn(copy, safeKey); n++) safeKey = `${boundText(key, MAX_ID_CHARS, redaction)} #${n}`;
    // Defined, not assigned: a key "__proto__" from a trace stays an entry instead of replacing the copy's prototype.
    Object.defineProperty(copy, safeKey, { value: bound(item, ID_KEY.test(key), redaction), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** The first line of an unredacted terminal or Markdown report, and the HTML banner's text. */
export const UNREDACTED_NOTICE = 'UNREDACTED: written with --no-redact; this report may contain secrets from traces and probes. Do not share it.';

/**
 * Marks a report rendered without redaction, in the way its format allows: the first line of text
 * reports, a top-level `"unredacted": true` in JSON, a banner in HTML, SARIF's top-level property
 * bag, a comment in JUnit XML.
 */
export function markUnredacted(format: string, text: string): string {
  switch (format) {
    case 'terminal':
      return `${UNREDACTED_NOTICE}\n${text}`;
    case 'md':
      return `**${UNREDACTED_NOTICE}**\n\n${text}`;
    case 'json':
      return text.replace(/^\{\n/, '{\n  "unredacted": true,\n');
    case 'sarif':
      return text.replace(/^\{\n/, '{\n  "properties": {\n    "unredacted": true\n  },\n');
    case 'html':
      return text.replace(/<body>\n/, `<body>\n<p role="alert" style="margin:0;padding:.75rem 1rem;background:#b00020;color:#fff;font:600 1rem system-ui,sans-serif">${UNREDACTED_NOTICE}</p>\n`);
    case 'junit':
      return text.replace(/^(<\?xml[^>]*\?>\n)/, `$1<!-- ${UNREDACTED_NOTICE} -->\n`);
    default:
      return `${UNREDACTED_NOTICE}\n${text}`;
  }
}

/**
 * A family's reporters, each of which first bounds and redacts its input (`prepare`, once per
 * render, for the input and whatever the options carry of trace or probe content) and marks its
 * output when redaction is off. Markdown output also loses any control character left in it. Every family's map is made with this, so no renderer can be
 * reached with raw input through the CLI or the library.
 */
export function guardReporters<F extends string, Input, Options extends DisplayOptions>(
  reporters: ReporterMap<F, Input, Options>,
  prepare: (input: Input, options: Options, redaction: RedactionSetting) => { readonly input: Input; readonly options: Options },
): ReporterMap<F, Input, Options> {
  const guarded: Partial<Record<F, unknown>> = {};
  for (const format of Object.keys(reporters) as F[]) {
    const reporter = reporters[format];
    guarded[format] = {
      ...reporter,
      render(input: Input, options: Options): string {
        const redaction = options.redaction ?? DEFAULT_REDACTION;
        const safe = prepare(input, options, redaction);
        const rendered = reporter.render(safe.input, safe.options);
        // Markdown has no escape of its own for control characters; whatever a renderer quoted raw is neutralised here too.
        const text = format === 'md' ? markdownControls(rendered) : rendered;
        return redaction.enabled ? text : markUnredacted(format, text);
      },
    };
  }
  return guarded as ReporterMap<F, Input, Options>;
}
