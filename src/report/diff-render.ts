import picocolors from 'picocolors';
import { AREA_TITLES } from '../model/index.js';
import { formatScore } from '../scoring/index.js';
import type { AuditDiff, CheckChange, CheckChangeKind, CheckState, Direction } from './diff.js';
import { markdownCode, markdownText } from './markdown/escape.js';
import { evidenceLabel, formatSignedPoints, outcomeLabel, outcomeSymbol, verdictLabel } from './present/index.js';
import { boundReportInput, guardReporters } from './safe-input.js';
import { labelledField } from './text/layout.js';
import { padEndVisible, wrap } from './text/wrap.js';
import type { DisplayOptions, ReporterMap } from './types.js';

export type DiffFormat = 'terminal' | 'md' | 'json';

type Colors = ReturnType<typeof picocolors.createColors>;

/** The order a reader wants: what got worse first, because that is what blocks a merge. */
const SECTIONS: readonly { readonly kind: CheckChangeKind; readonly title: string }[] = [
  { kind: 'worse', title: 'Worse' },
  { kind: 'better', title: 'Better' },
  { kind: 'changed', title: 'Changed evidence, same standing' },
  { kind: 'added', title: 'New checks' },
  { kind: 'removed', title: 'Checks no longer audited' },
];

/**
 * The diff's reporters, guarded like every other family's: the diff quotes the two reports' system
 * names, check messages and notes, which may carry secrets (a report written with --no-redact, or
 * by another tool), so its input is redacted and bounded first and an unredacted diff says so.
 */
const DIFF_REPORTERS: ReporterMap<DiffFormat, AuditDiff, DisplayOptions> = guardReporters<DiffFormat, AuditDiff, DisplayOptions>(
  {
    terminal: { format: 'terminal', fileName: 'mimir-diff.txt', render: (diff, options) => renderTerminal(diff, options) },
    md: { format: 'md', fileName: 'mimir-diff.md', render: (diff) => renderMarkdown(diff) },
    json: { format: 'json', fileName: 'mimir-diff.json', render: (diff) => `${JSON.stringify(diff, null, 2)}\n` },
  },
  (diff, options, redaction) => ({ input: boundReportInput(diff, redaction), options }),
);

/** Renders a diff of two audits; pure, like the reporters, and redacted unless `options.redaction` says otherwise. */
export function renderDiff(diff: AuditDiff, format: DiffFormat, options: DisplayOptions): string {
  return DIFF_REPORTERS[format].render(diff, options);
}

function directionWord(direction: Direction): string {
  switch (direction) {
    case 'better':
      return 'better';
    case 'worse':
      return 'worse';
    case 'same':
      return 'unchanged';
  }
}

function stateText(state: CheckState | undefined): string {
  if (state === undefined) return '—';
  return state.evidenceKind === null ? outcomeLabel(state.outcome) : `${outcomeLabel(state.outcome)} (${evidenceLabel(state.evidenceKind)})`;
}

function transition(change: CheckChange): string {
  return `${stateText(change.before)} → ${stateText(change.after)}`;
}

function changeSymbol(change: CheckChange): string {
  return outcomeSymbol((change.after ?? change.before)?.outcome ?? 'error');
}

function renderTerminal(diff: AuditDiff, options: DisplayOptions): string {
  const c: Colors = picocolors.createColors(options.color);
  const width = Math.max(20, Math.floor(options.width));
  const paint = (delta: number): ((s: string) => string) => (Math.abs(delta) < 0.05 ? c.dim : delta > 0 ? c.green : c.red);
  const lines: string[] = [];

  const { verdict, overall } = diff;
  const headline = `${verdictLabel(verdict.before)} ${formatScore(overall.before)} → ${verdictLabel(verdict.after)} ${formatScore(overall.after)}`;
  lines.push(`${c.bold(headline)}  ${paint(overall.delta)(`${formatSignedPoints(overall.delta)} points`)}`);
  lines.push(...wrap(`${diff.after.system} · verdict ${directionWord(verdict.direction)}`, width).map(c.bold));
  lines.push(...labelledField('before', `${diff.before.generatedAt} (mimir ${diff.before.mimirVersion}, catalogue ${diff.before.catalogueVersion})`, width, FIELD).map(c.dim));
  lines.push(...labelledField('after', `${diff.after.generatedAt} (mimir ${diff.after.mimirVersion}, catalogue ${diff.after.catalogueVersion})`, width, FIELD).map(c.dim));

  lines.push('', c.bold('Areas'));
  const labelWidth = Math.max(...diff.areas.map((a) => AREA_TITLES[a.area].length)) + 2;
  for (const area of diff.areas) {
    const text = `  ${padEndVisible(AREA_TITLES[area.area], labelWidth)}${formatScore(area.before).padStart(5)} → ${formatScore(area.after).padStart(5)}  `;
    lines.push(text + paint(area.delta)(formatSignedPoints(area.delta)));
  }

  for (const section of SECTIONS) {
    const changes = diff[section.kind];
    if (changes.length === 0) continue;
    lines.push('', c.bold(`${section.title} (${changes.length})`));
    for (const change of changes) {
      const head = `  ${changeSymbol(change)} ${change.severity}  `;
      lines.push(...wrap(change.title, width, { firstPrefix: head, restPrefix: ' '.repeat(Math.min(head.length, width - 20)) }).map(c.bold));
      lines.push(...labelledField('check', `${change.checkId} · ${AREA_TITLES[change.area]}`, width, FIELD).map(c.dim));
      lines.push(...labelledField('outcome', transition(change), width, FIELD));
      if (Math.abs(change.pointsDelta) >= 0.05) lines.push(...labelledField('points', formatSignedPoints(change.pointsDelta), width, FIELD).map(paint(change.pointsDelta)));
    }
  }
  if (diff.worse.length + diff.better.length + diff.changed.length + diff.added.length + diff.removed.length === 0) {
    lines.push('', `No check changed outcome (${diff.unchanged} compared).`);
  } else {
    lines.push('', c.dim(`${diff.unchanged} check${diff.unchanged === 1 ? '' : 's'} unchanged.`));
  }
  if (diff.notes.length > 0) {
    lines.push('', c.bold(c.yellow('Compare with care')));
    for (const note of diff.notes) lines.push(...wrap(note, width, { firstPrefix: '  • ' }));
  }
  return `${lines.join('\n')}\n`;
}

const FIELD = { indent: 4, labelWidth: 9 } as const;

function renderMarkdown(diff: AuditDiff): string {
  const { verdict, overall } = diff;
  const blocks: string[] = [
    `## mimir diff: ${verdictLabel(verdict.before)} ${formatScore(overall.before)} → ${verdictLabel(verdict.after)} ${formatScore(overall.after)} (${formatSignedPoints(overall.delta)})`,
    `**${markdownText(diff.after.system)}** · verdict ${directionWord(verdict.direction)} · before ${markdownText(diff.before.generatedAt)}, after ${markdownText(diff.after.generatedAt)}`,
    [
      '| Area | Before | After | Change |',
      '| :-- | --: | --: | --: |',
      ...diff.areas.map((a) => `| ${AREA_TITLES[a.area]} | ${formatScore(a.before)} | ${formatScore(a.after)} | ${formatSignedPoints(a.delta)} |`),
      `| **Overall** | **${formatScore(overall.before)}** | **${formatScore(overall.after)}** | **${formatSignedPoints(overall.delta)}** |`,
    ].join('\n'),
  ];
  for (const section of SECTIONS) {
    const changes = diff[section.kind];
    if (changes.length === 0) continue;
    blocks.push(
      [
        `### ${section.title} (${changes.length})`,
        '',
        '| Check | Severity | Area | Outcome | Points |',
        '| :-- | :-- | :-- | :-- | --: |',
        ...changes.map(
          (ch) =>
            `| ${changeSymbol(ch)} ${markdownText(ch.title, { table: true })}<br>${markdownCode(ch.checkId, { table: true })} | ${ch.severity} | ${AREA_TITLES[ch.area]} | ${markdownText(transition(ch), { table: true })} | ${formatSignedPoints(ch.pointsDelta)} |`,
        ),
      ].join('\n'),
    );
  }
  blocks.push(`${diff.unchanged} check${diff.unchanged === 1 ? '' : 's'} unchanged.`);
  if (diff.notes.length > 0) blocks.push(['**Compare with care**', '', ...diff.notes.map((n) => `- ${markdownText(n)}`)].join('\n'));
  return `${blocks.join('\n\n')}\n`;
}
