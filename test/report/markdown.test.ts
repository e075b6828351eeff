import { describe, expect, it } from 'vitest';
import { markdownReporter } from '../../src/report/markdown.js';
import { attentionFindings } from '../../src/report/present/index.js';
import { maliciousAudit, redAudit, yellowAudit } from '../support/sample-audit.js';

const options = { color: false, width: 80 } as const;

/** Cells of a GFM table row: split at pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

function tableAfter(text: string, heading: string): string[] {
  const start = text.indexOf(heading);
  const rows: string[] = [];
  for (const line of text.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows.slice(2);
}

describe('markdown report', () => {
  it('opens with the verdict, score and system as a heading', () => {
    expect(markdownReporter.render(redAudit(), options).split('\n')[0]).toMatch(/^## 🔴 RED · \d+\.\d \/ 100 · Back-office refund agent$/);
    expect(markdownReporter.render(yellowAudit(), options).split('\n')[0]).toMatch(/^## 🟡 YELLOW/);
  });

  it('says on its first line that a score with attestation discount 1 is a plain self-assessment', () => {
    expect(markdownReporter.render(redAudit({ policy: { attestationDiscount: 1 } }), options).split('\n')[0]).toMatch(/^> \*\*Plain self-assessment/);
  });

  it('has an areas table with one row per area and a findings table with one row per finding needing attention', () => {
    const audit = redAudit();
    const text = markdownReporter.render(audit, options);
    const areas = tableAfter(text, '### Areas');
    expect(areas).toHaveLength(4);
    for (const row of areas) expect(cells(row)).toHaveLength(4);
    const findings = tableAfter(text, '### Needs attention');
    expect(findings).toHaveLength(attentionFindings(audit).length);
    for (const row of findings) expect(cells(row)).toHaveLength(6);
  });

  it('keeps the details, disabled checks, policy and stamp', () => {
    const text = markdownReporter.render(redAudit(), options);
    expect(text).toContain('<summary>What each finding means and how to fix it</summary>');
    expect(text).toContain('- **To capture:** Run `mimir probe` with the persistent-failure battery');
    expect(text).toContain('- `handoffs-carry-full-context`: Single agent');
    expect(text).toContain('| claims | a measurable check answered only by attestation earns ×0.5');
    expect(text).toMatch(/```text\nTypeError: Cannot read properties of undefined/);
  });

  it('escapes user text so it cannot inject HTML, links, tables, mentions or headings', () => {
    const text = markdownReporter.render(maliciousAudit(), options);
    expect(text).not.toContain('<script>');
    expect(text).not.toContain('[click](');
    expect(text).not.toMatch(/(^|[^\\])\*\*bold\*\*/);
    expect(text).not.toMatch(/@ops-team/);
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| col \\| \\[click\\](https://evil.example) @\u200bops-team \\*\\*bold\\*\\*');
    // The malicious hang finding is a table row: it must still have exactly six cells.
    const row = tableAfter(text, '### Needs attention').find((r) => r.includes('hangs-time-out'));
    expect(row).toBeDefined();
    expect(cells(row!)).toHaveLength(6);
  });
});
