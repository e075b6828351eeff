import { describe, expect, it } from 'vitest';
import { anchorId, escapeHtml, html, textWithCode, trustedHtml } from './escape.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<script>alert(1)</script> & "x" 'y'`)).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;');
  });

  it('leaves other text as it is', () => {
    expect(escapeHtml('37.5% ×2 — ok')).toBe('37.5% ×2 — ok');
  });
});

describe('html tag', () => {
  it('escapes every interpolated string, in content and in attributes', () => {
    const note = '<img src=x onerror=alert(1)>';
    expect(html`<p title="${'" onclick="x'}">${note}</p>`.value).toBe('<p title="&quot; onclick=&quot;x">&lt;img src=x onerror=alert(1)&gt;</p>');
  });

  it('keeps nested html, joins arrays and drops null, undefined and false', () => {
    const items = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}${3}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li>3</ul>');
  });

  it('takes markup mimir generated itself only when marked as trusted', () => {
    expect(html`${trustedHtml('<b>x</b>')}`.value).toBe('<b>x</b>');
  });
});

describe('textWithCode', () => {
  it('shows `code` as <code> and escapes everything', () => {
    expect(textWithCode('run `mimir <probe>` & <b>').value).toBe('run <code>mimir &lt;probe&gt;</code> &amp; &lt;b&gt;');
  });
});

describe('anchorId', () => {
  it('keeps kebab-case ids and drops anything else', () => {
    expect(anchorId('retries-are-bounded')).toBe('check-retries-are-bounded');
    expect(anchorId('a"><script>')).toBe('check-a___script_');
  });
});
