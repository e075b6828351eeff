import { html, trustedHtml, type Html } from './escape.js';

export interface HtmlPageParts {
  /** Already escaped: callers build it with the `html` tag. */
  readonly title: Html;
  /** mimir's own stylesheet(s), written into the page as they are. */
  readonly css: string;
  /** The mimir version, for `<meta name="generator">`; the audit report states it, the others leave it out. */
  readonly generator?: string;
  /** Everything inside `<main>`. */
  readonly main: Html;
}

/**
 * The page every HTML report is: self-contained (inline CSS and SVG, no script, nothing fetched; a
 * Content Security Policy forbids it), so it opens offline, attaches to a ticket and prints.
 */
export function htmlPage(parts: HtmlPageParts): string {
  const generator = parts.generator === undefined ? null : html`<meta name="generator" content="mimir ${parts.generator}">
`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
${generator}<title>${parts.title}</title>
<style>${trustedHtml(parts.css)}</style>
</head>
<body>
<main>
${parts.main}
</main>
</body>
</html>
`.value;
}
