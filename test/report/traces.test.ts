import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvidence } from '../../src/evidence/types.js';
import { htmlReporter } from '../../src/report/html.js';
import { histogramStats, sampleEvenly } from '../../src/report/traces/histograms.js';
import { traceFigures } from '../../src/report/traces/sections/index.js';
import { runAnchor, traceReportHtml, traceSectionHtml } from '../../src/report/traces/html.js';
import { renderTraceReport, TRACE_REPORT_FORMATS } from '../../src/report/traces/index.js';
import { stripAnsi, visibleWidth } from '../../src/report/text/wrap.js';
import { expectGolden } from '../support/golden.js';
import { redAudit } from '../support/sample-audit.js';
import { wellFormedXml } from '../support/xml.js';
import { emptyTraceEvidence, maliciousTraceEvidence, partialTraceEvidence, rate, realisticTraceEvidence, TRACE_SAMPLES, ungradedTraceEvidence } from './traces-sample.js';

const plain = { color: false, width: 80 } as const;

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** Text with its wrapping undone, to look for a sentence wherever the lines broke. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function terminal(evidence: TraceEvidence, options: { color: boolean; width: number } = plain): string {
  return renderTraceReport(evidence, 'terminal', options);
}

describe('trace report golden files', () => {
  for (const [name, make] of Object.entries(TRACE_SAMPLES)) {
    if (name === 'malicious') continue;
    it(`terminal, ${name}`, () => {
      expectGolden(`traces/${name}.txt`, terminal(make()));
    });
  }
  it('json, realistic', () => {
    expectGolden('traces/realistic.json', renderTraceReport(realisticTraceEvidence(), 'json', plain));
  });
  it('json, partial', () => {
    expectGolden('traces/partial.json', renderTraceReport(partialTraceEvidence(), 'json', plain));
  });
  it('html, realistic', () => {
    expectGolden('traces/realistic.html', renderTraceReport(realisticTraceEvidence(), 'html', plain));
  });
});

describe('trace report, terminal', () => {
  it('names what was read and which figures were measured', () => {
    const text = terminal(realisticTraceEvidence());
    expect(lines(text)[0]).toBe('mimir traces: measured figures');
    expect(text).toMatch(/^ {2}read +200 runs · 1834 spans · 2 files$/m);
    expect(flat(text)).toContain('measured Reliability per step, Outcomes, pass^k, Compounding');
    expect(text).not.toContain('not measured');
  });

  it('never exceeds the width, for every sample, width and colour', () => {
    for (const make of Object.values(TRACE_SAMPLES)) {
      for (const width of [40, 60, 80, 100, 120]) {
        for (const color of [false, true]) {
          for (const line of lines(terminal(make(), { color, width }))) expect(visibleWidth(line), `${JSON.stringify(line)} at width ${width}`).toBeLessThanOrEqual(width);
        }
      }
    }
    // What users see: nothing wider than 80 characters in an 80-column report.
    for (const line of lines(terminal(realisticTraceEvidence()))) expect(Array.from(line).length).toBeLessThanOrEqual(80);
  });

  it('keeps within the width whatever tools and runs are called', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 20, max: 140 }), (tool, runId, width) => {
        const base = realisticTraceEvidence();
        const evidence: TraceEvidence = {
          ...base,
          analyses: {
            ...base.analyses,
            reliability: { ...base.analyses.reliability, byTool: { [tool]: rate(3, 9) }, failedStepExamples: [{ runId, file: `${runId}.jsonl`, line: 4, note: tool }] },
          },
        };
        for (const line of lines(terminal(evidence, { color: true, width }))) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
      }),
      { numRuns: 100 },
    );
  });

  it('says "not measured" and why, never 0%, where a figure has no data', () => {
    const empty = terminal(emptyTraceEvidence());
    expect(flat(empty)).toContain('not measured Reliability per step, Outcomes, pass^k, Compounding, Retries, Loops, Cascades, Budgets, Context, Human oversight, Checkpoints, Step contracts, State writes, Context assembly, Long-term memory, Isolation between tasks: no runs were read');
    expect(empty).not.toMatch(/\b0(\.0)?%/);

    const ungraded = flat(terminal(ungradedTraceEvidence()));
    expect(ungraded).toContain('end to end not measured: no run has a verified outcome (add a labels file with --labels');
    expect(ungraded).toContain('pass^k not measured: no task has graded trials');
    expect(ungraded).toContain('observed not measured: no graded runs to compare with');
    expect(ungraded).toContain('self-share not measured: no message content captured (gen_ai.input.messages)');
    // What could still be measured is: window use does not need message content.
    expect(ungraded).toContain('window use median 15%, p90 41%, p99 76%, max 104% of the context window (812 calls)');
    expect(ungraded).not.toMatch(/end to end +0%/);
  });

  it('lines every label up in one column, example labels included', () => {
    // A field line is "  label   value": a label, then spaces up to column 19, where the value starts.
    const fields = lines(terminal(realisticTraceEvidence())).filter((line) => /^ {2}[a-z][^:]*? {2,}\S/.test(line) && !/^ {2}(from|llm call|tool|confidence) /.test(line));
    expect(fields.length).toBeGreaterThan(60);
    for (const line of fields) expect(line.slice(17, 19) + line.charAt(19).trim(), JSON.stringify(line)).toMatch(/^ {2}\S$/);
  });

  it('shows the reliability table worst first, top 10 and a count of the rest', () => {
    const text = terminal(realisticTraceEvidence());
    const rows = [...text.matchAll(/^ {4}(\w+) +\d+ +\d+ +[\d.]+% +[\d.]+–[\d.]+%/gm)].map((m) => m[1]);
    expect(rows).toEqual(['refund_order', 'create_ticket', 'charge_card', 'update_address', 'cancel_order', 'send_email', 'calc_refund', 'search_kb', 'lookup_order', 'list_orders']);
    expect(text).toContain('and 2 more tools (all in the JSON report)');
    expect(text).toMatch(/^ {4}refund_order +40 +10 +25% +14\.2–40\.2% +█/m);
  });

  it('states the compounding figures: p, step counts, p^n at the median against the observed', () => {
    const text = flat(terminal(realisticTraceEvidence()));
    expect(text).toContain('per step p 91.2% (95% CI 89.8–92.5%, n = 1620)');
    expect(text).toContain('steps per run median 8, p90 13, max 24');
    expect(text).toContain('projected p^8 = 48% at the median step count');
    expect(text).toContain('observed 33.9% of graded runs succeeded end to end (95% CI 27.4–41.1%, n = 180)');
    expect(text).toContain('below 50% p^n falls below 50% from 8 steps');
  });

  it('lists silent failures with their rate and the runs to open, by file and line', () => {
    const text = flat(terminal(realisticTraceEvidence()));
    expect(text).toContain('silent failures 66.4% had failed (95% CI 58.4–73.6%, n = 146), of 146 runs that claimed success and whose result is known');
    expect(text).toContain('failures claimed 80.2% claimed success (95% CI 72.2–86.3%, n = 121), of the 121 runs known to have failed that record a claim (125 known to have failed: 4 record no claim)');
    expect(text).toContain('of which 97 silent failures: 91 graded failures, 6 ended on an unrecovered tool failure');
    expect(text).toContain('see silent run-0007 span a1f3c09e at traces/refund-agent-2026-11-20.otlp.jsonl:214 (claimed success; graded failure)');
    expect(text).toContain('and 7 more (all in the JSON report)');
  });

  it('puts a loud partial-evidence notice first, with counts by code and located problems', () => {
    const text = terminal(partialTraceEvidence());
    const notice = text.indexOf('Partial evidence: 9 problems');
    expect(notice).toBeGreaterThan(0);
    expect(notice).toBeLessThan(text.indexOf('Reliability per step\n'));
    expect(flat(text)).toContain('(4 invalid-json, 2 missing-parent, 1 truncated, 1 unended-span, 1 unmatched-label); 3 runs damaged and 5 records skipped');
    expect(text).toContain('  traces/refund-agent-2026-11-20.otlp.jsonl:1207\n    invalid-json: Unexpected end of JSON input');
    expect(text).toContain('  traces/export.otlp.pb at byte 1048576\n    truncated:');
    expect(text).toContain('and 4 more problems');
    expect(terminal(realisticTraceEvidence())).not.toContain('Partial evidence');
    // Loud means colour too, when there is colour.
    expect(terminal(partialTraceEvidence(), { color: true, width: 80 })).toContain('\u001b[1m\u001b[33mPartial evidence');
  });

  it('uses colour only when asked, and colour changes nothing else', () => {
    // eslint-disable-next-line no-control-regex -- looking for ANSI escapes
    const ansi = /\u001b\[/;
    for (const make of Object.values(TRACE_SAMPLES)) {
      expect(terminal(make())).not.toMatch(ansi);
      const coloured = terminal(make(), { color: true, width: 80 });
      expect(coloured).toMatch(ansi);
      expect(stripAnsi(coloured)).toBe(terminal(make()));
    }
  });

  it('does not let tool names or run ids send control sequences to the terminal', () => {
    const text = terminal(maliciousTraceEvidence());
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text).toContain('<img src=x onerror=alert(2)>\ufffd[31mred');
  });
});

describe('trace report, JSON', () => {
  it('carries every figure as computed, under a schema version', () => {
    const evidence = partialTraceEvidence();
    const parsed = JSON.parse(renderTraceReport(evidence, 'json', plain)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'runs', 'spans', 'files', 'partial', 'problems', 'analyses']);
    expect(parsed).toMatchObject({ schemaVersion: 1, runs: 200, spans: 1834, partial: true, files: evidence.files });
    expect(parsed.problems).toEqual(evidence.problems);
    expect(parsed.analyses).toEqual(JSON.parse(JSON.stringify(evidence.analyses)));
  });
});

describe('trace report, HTML', () => {
  it('is one self-contained page: no script, nothing loaded from anywhere', () => {
    for (const make of Object.values(TRACE_SAMPLES)) {
      const page = traceReportHtml(make());
      expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
      expect(page).not.toMatch(/\b(src|href)="(?!#)/);
      expect(page).not.toMatch(/url\(|@import/);
      expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    }
  });

  it('draws the reliability intervals, pass^k, the compounding curve and context bleed', () => {
    const section = traceSectionHtml(realisticTraceEvidence()).value;
    const reliability = section.slice(section.indexOf('id="traces-reliability"'), section.indexOf('id="traces-outcomes"'));
    expect(reliability.match(/<svg class="table-bar"/g)).toHaveLength(10);
    expect(reliability).toContain('<rect class="bar-range"');
    expect(section).toMatch(/<svg class="chart" viewBox="0 0 480 210" role="img" aria-label="pass\^k by k: pass\^1 33.9%, pass\^2 21%/);
    expect(section).toMatch(/aria-label="Compounding: projected p\^n falls from 75.9% at 3 steps to 11.1% at 24 steps/);
    expect(section).toContain('<path class="chart-projected"');
    expect(section.match(/<g class="chart-observed">/g)).toHaveLength(16);
    expect(section).toContain('below 50% from 8 steps');
    expect(section).toMatch(/aria-label="Context bleed by llm call: mean self-share at llm call 1 is 4%, at call 12 72%"/);
    expect(section.match(/<rect class="chart-bar-p90"/g)).toHaveLength(12);
  });

  it('anchors each silent failure and links other mentions of the same run to it', () => {
    const section = traceSectionHtml(realisticTraceEvidence()).value;
    for (const ref of realisticTraceEvidence().analyses.outcomes.silentFailures.examples) expect(section).toContain(`<li id="${runAnchor(ref.runId)}">`);
    // run-0023 is a silent failure and also a failed-step example: that mention links to it.
    const reliability = section.slice(section.indexOf('id="traces-reliability"'), section.indexOf('id="traces-outcomes"'));
    expect(reliability).toContain('<a href="#trace-run-run-0023"><code>run-0023</code></a>');
    expect(section).toContain('<code>traces/refund-agent-2026-11-20.otlp.jsonl:214</code>');
  });

  it('lists the located problems when the evidence is partial', () => {
    const section = traceSectionHtml(partialTraceEvidence()).value;
    expect(section).toContain('<p class="notice" role="note">Partial evidence: 9 problems');
    expect(section).toContain('<td><code>traces/export.otlp.pb at byte 1048576</code></td><td>truncated</td>');
    expect(section).toContain('4 more not listed');
    expect(traceSectionHtml(realisticTraceEvidence()).value).not.toContain('class="problems"');
  });

  it('says "not measured" instead of drawing empty charts', () => {
    const empty = traceSectionHtml(emptyTraceEvidence()).value;
    expect(empty).not.toContain('<svg');
    expect(empty).toContain('<dt>Measured</dt><dd>nothing</dd>');
    expect(empty).toMatch(/<dt>Not measured<\/dt><dd class="tone-missing"><ul><li>Reliability per step, Outcomes, .*: no runs were read<\/li><\/ul><\/dd>/);
    expect(empty).not.toContain('trace-card');

    const ungraded = traceSectionHtml(ungradedTraceEvidence()).value;
    expect(ungraded).toContain('<p class="not-measured">not measured: no task has graded trials (runs need mimir.task.id and a verified outcome)</p>');
    expect(ungraded).toContain('<dt>end to end</dt><dd class="tone-missing">not measured: no run has a verified outcome');
    expect(ungraded).not.toContain('aria-label="pass^k');
    expect(ungraded).not.toContain('Context bleed by llm call');
  });

  it('escapes run ids, tool names, notes and file names', () => {
    const page = traceReportHtml(maliciousTraceEvidence());
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<svg onload/i);
    expect(page).not.toMatch(/<b>bold/);
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The same run listed twice among silent failures gets one anchor: ids are unique.
    const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    const body = page.slice(page.indexOf('<body>'), page.indexOf('</html>'));
    expect(wellFormedXml(body)).toBe(true);
  });

  it('gives distinct runs distinct anchors', () => {
    expect(runAnchor('a/b')).not.toBe(runAnchor('a_b'));
    expect(runAnchor('run-1')).toBe('trace-run-run-1');
    expect(runAnchor('"><x')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('trace figures in the audit HTML report', () => {
  it('adds a "Measured from traces" section after the areas when the CLI passes the trace evidence', () => {
    const audit = redAudit();
    const page = htmlReporter.render(audit, { color: false, width: 80, traces: realisticTraceEvidence() });
    const section = page.indexOf('<h2 id="traces-title">Measured from traces</h2>');
    expect(section).toBeGreaterThan(page.indexOf('<h2 id="areas-title">'));
    expect(section).toBeLessThan(page.indexOf('<h2 id="findings-title">'));
    expect(page).toContain('svg .chart-projected');
  });

  it('is unchanged without trace evidence', () => {
    const page = htmlReporter.render(redAudit(), plain);
    expect(page).not.toContain('Measured from traces');
    expect(page).not.toContain('.trace-grid');
  });
});

describe('trace figure helpers', () => {
  it('reads percentiles from a histogram as keys that occurred', () => {
    expect(histogramStats({})).toBeUndefined();
    expect(histogramStats({ 3: 1 })).toEqual({ count: 1, median: 3, p90: 3, p99: 3, max: 3 });
    expect(histogramStats({ 0: 5, 10: 4, 50: 1 })).toEqual({ count: 10, median: 0, p90: 10, p99: 50, max: 50 });
  });

  it('samples a series evenly, keeping its first and last points', () => {
    const items = Array.from({ length: 25 }, (_, i) => i);
    const picked = sampleEvenly(items, 10);
    expect(picked).toHaveLength(10);
    expect(picked[0]).toBe(0);
    expect(picked.at(-1)).toBe(24);
    expect(sampleEvenly([1, 2, 3], 10)).toEqual([1, 2, 3]);
  });

  it('has a section for every analysis, and a renderer for every format', () => {
    const ids = traceFigures(realisticTraceEvidence().analyses).map((s) => s.id);
    const analyses = Object.keys(realisticTraceEvidence().analyses).filter((k) => k !== 'runs' && k !== 'steps');
    expect([...ids].sort()).toEqual([...analyses].sort());
    for (const format of TRACE_REPORT_FORMATS) expect(renderTraceReport(realisticTraceEvidence(), format, plain).length).toBeGreaterThan(0);
  });
});
