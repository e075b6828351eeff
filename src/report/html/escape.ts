/**
 * HTML built only through the `html` tag: every interpolated string is escaped, and only markup
 * mimir itself generated (wrapped in `Html`) goes in as it is. User text — check messages,
 * attestation notes, system names — can therefore never inject markup or script.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Markup that is already safe: produced by `html` or by mimir's own chart code. */
export class Html {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type HtmlPart = Html | string | number | readonly HtmlPart[] | null | undefined | false;

function render(part: HtmlPart): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (typeof part === 'number') return String(part);
  if (typeof part === 'string') return escapeHtml(part);
  return part.map(render).join('');
}

/** Tagged template: `html\`<td>${text}</td>\`` escapes `text`; nested `html` results are kept. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlPart[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** For markup mimir generates itself from numbers and fixed strings (CSS, SVG); never for user text. */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}

/** Text with `inline code` (as checks write commands) shown as <code>; everything escaped. */
export function textWithCode(text: string): Html {
  const parts: Html[] = [];
  let last = 0;
  for (const match of text.matchAll(/`([^`\n]+)`/g)) {
    parts.push(html`${text.slice(last, match.index)}`, html`<code>${match[1] ?? ''}</code>`);
    last = match.index + match[0].length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}

/**
 * A fragment identifier for arbitrary text (run ids, scenario ids): every character outside
 * [A-Za-z0-9-] is written as _hex_, so distinct ids stay distinct and nothing can break out of the
 * attribute (it is escaped anyway).
 */
export function textAnchor(prefix: string, id: string): string {
  return `${prefix}${id.replace(/[^A-Za-z0-9-]/g, (ch) => `_${(ch.codePointAt(0) ?? 0).toString(16)}_`)}`;
}

/** A fragment identifier from a check id: ids are kebab-case already, anything else is dropped. */
export function anchorId(checkId: string): string {
  return `check-${checkId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
