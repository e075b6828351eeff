import { describe, expect, it } from 'vitest';
import { htmlReporter } from '../../src/report/html.js';
import { anchorId } from '../../src/report/html/escape.js';
import { maliciousAudit, redAudit, SAMPLE_AUDITS } from '../support/sample-audit.js';
import { wellFormedXml } from '../support/xml.js';

const options = { color: false, width: 80 } as const;

describe('html report', () => {
  it('is one self-contained document: no script, nothing loaded from anywhere', () => {
    for (const make of Object.values(SAMPLE_AUDITS)) {
      const page = htmlReporter.render(make(), options);
      expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
      expect(page).not.toMatch(/\b(src|href)="(?!#)/);
      expect(page).not.toMatch(/url\(|@import/);
      expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    }
  });

  it('leads with the verdict badge, the overall score and the system name', () => {
    const audit = redAudit();
    const page = htmlReporter.render(audit, options);
    const header = page.slice(page.indexOf('<header'), page.indexOf('</header>'));
    expect(header).toContain('<span class="badge badge-red">● RED</span>');
    expect(header).toContain(`<span class="score">${audit.score.overall.toFixed(1)}</span>`);
    expect(header).toContain('<h1>Back-office refund agent</h1>');
  });

  it('has a chart per area, a findings table row and a details block per finding, and the disabled checks', () => {
    const audit = redAudit();
    const page = htmlReporter.render(audit, options);
    expect(page.match(/<svg class="gauge"/g)).toHaveLength(4);
    expect(page.match(/<svg class="outcome-bar"/g)).toHaveLength(4);
    const tbody = page.slice(page.indexOf('<table class="findings">'), page.indexOf('</table>', page.indexOf('<table class="findings">')));
    expect(tbody.match(/<tr>/g)).toHaveLength(audit.findings.length + 1);
    expect(page.match(/<details class="finding"/g)).toHaveLength(audit.findings.length);
    for (const f of audit.findings) expect(page).toContain(`id="${anchorId(f.checkId)}"`);
    expect(page).toContain('<code>handoffs-carry-full-context</code>: Single agent');
    expect(page).toContain('Policy that produced the verdict');
  });

  it('opens the details of what needs attention and explains which evidence answered', () => {
    const page = htmlReporter.render(redAudit(), options);
    expect(page).toMatch(/<details class="finding" id="check-high-risk-actions-need-prior-approval" open>/);
    expect(page).toMatch(/<details class="finding" id="check-denials-are-respected">/);
    expect(page).toContain('<strong>probe</strong> <span class="muted">(mimir ran the agent under injected faults)</span>: <span class="answered">answered this check</span>');
    expect(page).toContain('<span class="unanswered">no transient-failure scenario in the probe run</span>');
  });

  it('escapes all user text', () => {
    const page = htmlReporter.render(maliciousAudit(), options);
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; | col | [click](https://evil.example)');
    expect(page).not.toContain('href="https://evil.example"');
    // Escaped text keeps the page well-formed as XML apart from the doctype and void meta tags.
    const body = page.slice(page.indexOf('<body>'), page.indexOf('</html>'));
    expect(wellFormedXml(body.replace(/<br>/g, '<br/>').replace(/ open>/g, ' open="">'))).toBe(true);
  });
});
