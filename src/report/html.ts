import { AREA_TITLES, type Audit, type ScoredFinding } from '../model/index.js';
import { formatScore } from '../scoring/index.js';
import { outcomeBar, overallScale, scoreGauge } from './html/charts.js';
import { anchorId, html, textWithCode, trustedHtml, type Html } from './html/escape.js';
import { htmlPage } from './html/page.js';
import { REPORT_CSS } from './html/styles.js';
import { traceSectionHtml } from './traces/html.js';
import { TRACE_CSS } from './traces/styles.js';
import { PROBE_CSS, probesSectionHtml } from './probes/index.js';
import {
  areaBand,
  capitalize,
  creditExplanation,
  decidedByLabel,
  evidenceDescription,
  evidenceLabel,
  evidenceTrail,
  findingsInReportOrder,
  formatCredit,
  formatMeasuredValue,
  formatNumber,
  formatReference,
  formatSignedPoints,
  formatUncertainty,
  needsAttention,
  notApplicableFindings,
  outcomeCounts,
  outcomeLabel,
  outcomeShortLabel,
  policyLines,
  pointsLost,
  selfAssessmentNotice,
  evidenceLine,
  partialEvidenceNotice,
  stampLines,
  summaryParts,
  verdictLabel,
  verdictMeaning,
  type LabelledLine,
} from './present/index.js';
import type { RenderOptions, Reporter } from './types.js';

/**
 * One self-contained HTML file: inline CSS and SVG, no script, nothing fetched (a Content Security
 * Policy forbids it), so it opens offline, attaches to a ticket and prints. All text is escaped by
 * construction: markup is only ever built with the `html` tag.
 */
export const htmlReporter: Reporter<'html'> = {
  format: 'html',
  fileName: 'mimir-report.html',
  render(audit: Audit, options: RenderOptions): string {
    const { verdict, overall } = audit.score;
    const { traces, probes } = options;
    const css = REPORT_CSS + (traces === undefined ? '' : TRACE_CSS) + (probes === undefined ? '' : PROBE_CSS);
    return htmlPage({
      title: html`${verdictLabel(verdict)} ${formatScore(overall)} / 100 · ${audit.system.name} · mimir`,
      css,
      generator: audit.stamp.mimirVersion,
      main: html`${header(audit)}
${areas(audit)}${probes === undefined ? null : html`
${probesSectionHtml(probes)}`}${traces === undefined ? null : html`
${traceSectionHtml(traces)}`}
${findingsTable(audit)}
${details(audit)}
${leftOut(audit)}
${footer(audit)}`,
    });
  },
};

function header(audit: Audit): Html {
  const { verdict, overall, reasons } = audit.score;
  const notice = selfAssessmentNotice(audit.policy);
  const summary = summaryParts(audit).join(' · ');
  const partial = partialEvidenceNotice(audit);
  return html`${notice === undefined ? null : html`<p class="notice" role="note">${notice}</p>`}
<header class="card verdict verdict-${verdict}">
<div>
<span class="badge badge-${verdict}">● ${verdictLabel(verdict)}</span>
<div class="headline"><span class="score">${formatScore(overall)}</span><span class="of">/ 100</span></div>
</div>
<div class="system">
<h1>${audit.system.name}</h1>
${audit.system.description === undefined ? null : html`<p class="muted">${audit.system.description}</p>`}
<p><strong>${capitalize(verdictMeaning(verdict))}.</strong> <span class="muted">${summary}</span></p>
<p class="muted">${evidenceLine(audit)}</p>
${partial === undefined ? null : html`<p class="notice" role="note">${partial}</p>`}
${overallScale(overall, audit.policy.thresholds)}
</div>
${
  reasons.length === 0
    ? null
    : html`<div class="reasons"><h2>${verdict === 'red' ? 'Why red' : 'Why not green'}</h2><ul>${reasons.map((r) => html`<li>${r.message}</li>`)}</ul></div>`
}
</header>`;
}

function areas(audit: Audit): Html {
  const cards = audit.score.areas.map((area) => {
    const title = AREA_TITLES[area.area];
    const counts = outcomeCounts(area.outcomes);
    return html`<div class="card area">
<h3>${title}</h3>
${scoreGauge(area.score, areaBand(area.score, audit.policy.thresholds), audit.policy.thresholds, title)}
${outcomeBar(area.outcomes, title)}
<ul class="legend">${counts.length === 0 ? html`<li>no checks</li>` : counts.map(({ outcome, count }) => html`<li class="outcome-${outcome}">${count} ${outcomeShortLabel(outcome)}</li>`)}</ul>
<div class="muted">${formatNumber(Number(area.earned.toFixed(2)))} of ${formatNumber(area.possible)} weighted points</div>
</div>`;
  });
  return html`<section aria-labelledby="areas-title"><h2 id="areas-title">Areas</h2><div class="areas">${cards}</div></section>`;
}

function pill(finding: Pick<ScoredFinding, 'outcome'>): Html {
  return html`<span class="pill outcome-${finding.outcome}">${outcomeLabel(finding.outcome)}</span>`;
}

function severity(finding: Pick<ScoredFinding, 'severity'>): Html {
  return html`<span class="sev sev-${finding.severity}">${finding.severity}</span>`;
}

function creditCell(finding: ScoredFinding): Html {
  if (!finding.counted) return html`<span class="muted">not counted</span>`;
  return html`${formatCredit(finding.effectiveCredit)}${finding.discounted ? html`<br><span class="muted">claimed, not shown</span>` : null}`;
}

function findingsTable(audit: Audit): Html {
  const rows = findingsInReportOrder(audit).map(
    (f) => html`<tr>
<td><a href="#${anchorId(f.checkId)}">${f.title}</a><span class="id">${f.checkId}</span></td>
<td>${AREA_TITLES[f.area]}</td>
<td>${severity(f)}</td>
<td>${pill(f)}</td>
<td>${evidenceLabel(f.evidenceKind)}</td>
<td class="num">${creditCell(f)}</td>
<td class="num">${f.counted && f.effectiveCredit < 1 ? formatSignedPoints(-pointsLost(f, audit)) : ''}</td>
</tr>`,
  );
  return html`<section aria-labelledby="findings-title"><h2 id="findings-title">Findings</h2>
<div class="table-wrap"><table class="findings">
<thead><tr><th>Check</th><th>Area</th><th>Severity</th><th>Outcome</th><th>Evidence</th><th class="num">Credit earned</th><th class="num">Points</th></tr></thead>
<tbody>${rows}</tbody>
</table></div></section>`;
}

function details(audit: Audit): Html {
  return html`<section aria-labelledby="details-title"><h2 id="details-title">Every check in detail</h2>
${findingsInReportOrder(audit).map((f) => findingDetails(f, audit))}
</section>`;
}

function fact(label: string, value: Html | string): Html {
  return html`<dt>${label}</dt><dd>${value}</dd>`;
}

function findingDetails(finding: ScoredFinding, audit: Audit): Html {
  const facts: Html[] = [fact('Question', finding.question), fact('Why it matters', finding.rationale)];
  if (finding.measured.length > 0) {
    facts.push(
      fact(
        'Measured',
        html`<table class="measured"><thead><tr><th>Figure</th><th>Value</th><th>Uncertainty</th></tr></thead><tbody>${finding.measured.map(
          (m) => html`<tr><td>${m.name}</td><td>${formatMeasuredValue(m)}</td><td class="muted">${formatUncertainty(m)}</td></tr>`,
        )}</tbody></table>`,
      ),
    );
  }
  if (finding.references.length > 0) facts.push(fact('References', html`<ul>${finding.references.map((r) => html`<li><code>${formatReference(r)}</code></li>`)}</ul>`));
  if (finding.notApplicableReason !== undefined) facts.push(fact('Not applicable because', finding.notApplicableReason));
  if (finding.toCapture !== undefined && finding.outcome === 'insufficient-evidence') facts.push(fact('To capture', textWithCode(finding.toCapture)));
  facts.push(fact(`Fix (${finding.remediation.effort})`, textWithCode(finding.remediation.text)));
  facts.push(
    fact(
      'Evidence considered',
      html`<ol class="trail">${evidenceTrail(finding).map(
        (step) => html`<li><strong>${step.kind}</strong> <span class="muted">(${evidenceDescription(step.kind)})</span>: <span class="${step.status}">${step.explanation}</span></li>`,
      )}</ol>`,
    ),
  );
  facts.push(
    fact(
      'Credit',
      `${creditExplanation(finding, audit.policy)} · weight ${formatNumber(finding.weight)}${finding.counted && finding.effectiveCredit < 1 ? ` · ${formatSignedPoints(-pointsLost(finding, audit))} points overall` : ''}`,
    ),
  );
  if (finding.outcome === 'error') {
    facts.push(fact('Error', html`<p>The check itself failed; this says nothing about the system. Please report it with the JSON report attached.</p>${finding.errorDetail === undefined ? null : html`<pre>${finding.errorDetail}</pre>`}`));
  }
  return html`<details class="finding" id="${anchorId(finding.checkId)}"${needsAttention(finding.outcome) ? trustedHtml(' open') : null}>
<summary>${pill(finding)} <span class="title">${finding.title}</span> <code>${finding.checkId}</code> ${severity(finding)} <span class="muted">${AREA_TITLES[finding.area]} · decided by ${decidedByLabel(finding)}</span></summary>
<div class="finding-body">
<p class="message">${textWithCode(finding.message)}</p>
<dl class="facts">${facts}</dl>
</div>
</details>`;
}

function leftOut(audit: Audit): Html | null {
  const notApplicable = notApplicableFindings(audit);
  if (audit.policy.disabled.length === 0 && notApplicable.length === 0) return null;
  return html`<section aria-labelledby="left-out-title"><h2 id="left-out-title">Left out of the score</h2><div class="lists">
${notApplicable.length === 0 ? null : html`<div class="card"><h3>Not applicable</h3><ul>${notApplicable.map((f) => html`<li><a href="#${anchorId(f.checkId)}"><code>${f.checkId}</code></a>: ${f.notApplicableReason ?? f.message}</li>`)}</ul></div>`}
${audit.policy.disabled.length === 0 ? null : html`<div class="card"><h3>Disabled by policy</h3><ul>${audit.policy.disabled.map((d) => html`<li><code>${d.checkId}</code>: ${d.justification}</li>`)}</ul></div>`}
</div></section>`;
}

function factList(lines: readonly LabelledLine[]): Html {
  return html`<dl class="facts">${lines.map((l) => fact(l.label, l.value))}</dl>`;
}

function footer(audit: Audit): Html {
  return html`<footer>
<div class="card"><h3>Policy that produced the verdict</h3>${factList(policyLines(audit.policy))}</div>
<div class="card"><h3>Stamp</h3>${factList(stampLines(audit))}</div>
</footer>`;
}
