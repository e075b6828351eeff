/**
 * Escaping user text (check messages, attestation notes, system names) for GitHub-flavoured
 * Markdown. Text reaches a PR comment, so it must not open links, images, raw HTML, tables or
 * headings, nor ping people; `inline code` written by checks stays code.
 */

const CODE_SPAN = /`([^`\n]+)`/g;

/**
 * Control characters but tab and line feed: an ESC or a C1 introducer could drive the terminal of
 * whoever `cat`s the report, a BEL rings it, a lone CR hides the start of a line. C0 characters and
 * DEL are shown as their Unicode control pictures (ESC as ␛), C1 ones as U+FFFD.
 */
// eslint-disable-next-line no-control-regex -- these are exactly the characters to neutralise
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function markdownControls(text: string): string {
  return text.replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\ufffd';
  });
}
/**
 * Characters that open inline syntax anywhere: emphasis, code, links, tables, strike-through.
 * `(`, `#`, `!` and the like only matter next to these or at a line start, so they stay readable.
 */
const PUNCTUATION = /[\\`*[\]|~]/g;
/** `_` opens emphasis only at a word edge: "refund_order" stays as it is. */
const EDGE_UNDERSCORE = /(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
/** Markers that start a block only at the beginning of a paragraph: "- item", "1. item", "# title", "---". */
const BLOCK_START = /^\s*(?:[-+#]|\d{1,9}[.)])(?=[ \t]|$)|^\s*-(?=[-\s]*$)/;

export interface MarkdownTextOptions {
  /** Inside a table cell, where GFM splits cells even at a `|` inside code. */
  readonly table?: boolean;
}

export function markdownText(raw: string, options: MarkdownTextOptions = {}): string {
  const text = markdownControls(raw.replace(/\r\n/g, '\n'));
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(CODE_SPAN)) {
    parts.push(escapePlain(text.slice(last, match.index)));
    const code = match[1] ?? '';
    parts.push(`\`${options.table === true ? code.replace(/\|/g, '\\|') : code}\``);
    last = match.index + match[0].length;
  }
  parts.push(escapePlain(text.slice(last)));
  const joined = parts.join('');
  // In a table cell nothing starts a block; elsewhere the text may begin a paragraph or list item.
  const safe = options.table === true ? joined : joined.replace(BLOCK_START, (whole) => whole.replace(/^(\s*)/, '$1\\'));
  // One source line per text: a line break inside it could otherwise start a list or end a table row.
  return safe.replace(/\r?\n/g, '<br>');
}

function escapePlain(text: string): string {
  return (
    text
      .replace(PUNCTUATION, (ch) => `\\${ch}`)
      .replace(EDGE_UNDERSCORE, '\\_')
      // Entities rather than backslashes: `<` would start raw HTML, `&amp;` an entity.
      .replace(/&(?=#?\w+;)/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A zero-width space after "@" keeps "@team" in a note from pinging a team from a CI comment.
      .replace(/(^|[^\w])@(?=[A-Za-z0-9])/g, '$1@\u200b')
  );
}

/** Inline code for an identifier (check id, path): backticks inside are impossible to escape, so they are replaced. */
export function markdownCode(text: string, options: MarkdownTextOptions = {}): string {
  const code = markdownControls(text.replace(/`/g, "'").replace(/\r?\n/g, ' '));
  return `\`${options.table === true ? code.replace(/\|/g, '\\|') : code}\``;
}

/** A fenced block longer than any backtick run in the text, so the text cannot close it. */
export function markdownFence(raw: string, language = ''): string {
  const text = markdownControls(raw.replace(/\r\n/g, '\n'));
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}
