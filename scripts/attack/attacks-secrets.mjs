// Secrets in every field of every trace format, read back through every report: `mimir traces`
// (terminal, JSON, HTML), `mimir audit` (all six formats), `mimir diff` (three formats) of two
// audits saved with --no-redact, and the problems and warnings a damaged file produces on stderr.
// Each has a --no-redact control that must show the secrets, so a redaction that "works" only
// because nothing was planted is caught.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticOtlp } from './attacks-traces.mjs';
import { USER_PATTERN_YAML } from './secrets.mjs';

/** Keys whose values a reader needs intact to link a run together (ids, times, kinds). */
const STRUCTURAL = new Set(['id', 'trace_id', 'parent_id', 'parent_run_id', 'dotted_order', 'session_id', 'start_time', 'end_time', 'started_at', 'ended_at', 'run_type', 'status', 'object', 'type', 'role', 'lc']);

export async function secretAttacks({ repo, secrets, root, runMimir }) {
  let turn = 0;
  const nextSecret = () => secrets[turn++ % secrets.length].text;
  /** A string with a secret added; a JSON document inside a string gets one in each of its strings. */
  const plantText = (value) => {
    if (/^\s*[[{]/.test(value)) {
      try {
        return JSON.stringify(plantDeep(JSON.parse(value)));
      } catch {
        // not JSON after all
      }
    }
    return `${value} ${nextSecret()}`;
  };
  const plantDeep = (value, key) => {
    if (typeof value === 'string') return STRUCTURAL.has(key) ? value : plantText(value);
    if (Array.isArray(value)) return value.map((item) => plantDeep(item, key));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plantDeep(v, k)]));
    return value;
  };

  const fixtures = join(repo, 'test', 'fixtures', 'traces');
  const sources = {
    'otlp.jsonl': syntheticOtlp(6, plantText),
    'langsmith.jsonl': `${readFileSync(join(fixtures, 'langsmith', 'back-office.jsonl'), 'utf8').split('\n').slice(0, 100).filter(Boolean).map((line) => JSON.stringify(plantDeep(JSON.parse(line)))).join('\n')}\n`,
    'openai.json': JSON.stringify(plantDeep(JSON.parse(readFileSync(join(fixtures, 'openai-agents', 'back-office.json'), 'utf8')))),
    // Lines no reader can parse, quoting secrets: the problems (report and stderr) quote them.
    'damaged.jsonl': `${secrets.map((s) => `{"resourceSpans": [${JSON.stringify(s.text)}, oops`).join('\n')}\n${syntheticOtlp(1)}`,
  };
  const bodies = secrets.map((s) => s.body);
  const config = (source) => `version: 1\nsystem:\n  name: ${JSON.stringify(`support ${nextSecret()}`)}\n  description: ${JSON.stringify(`keys like ${nextSecret()}`)}\ntools:\n  - pattern: "*refund*"\n    risk: money\n  - pattern: "send_*"\n    risk: outbound-message\nevidence:\n  traces:\n    sources: [${source}]\n${USER_PATTERN_YAML}`;

  const attacks = [];
  for (const [source, content] of Object.entries(sources)) {
    const files = { [source]: content, 'mimir.yaml': config(source) };
    attacks.push({ family: 'secrets', name: `${source}: mimir traces, terminal, json, html`, files, secrets: bodies, expectExit: [0], steps: [{ argv: ['traces', source, '--format', 'terminal,json,html', '--out', 'out'] }] });
    attacks.push({ family: 'secrets', name: `${source}: mimir audit, every format`, files, secrets: bodies, expectExit: [0], steps: [{ argv: ['audit', '--config', 'mimir.yaml', '--format', 'terminal,md,json,html,sarif,junit', '--out', 'out', '--fail-on', 'none'] }] });
    if (source === 'otlp.jsonl') attacks.push({ family: 'secrets', name: `${source}: mimir audit --brief and md on stdout`, files, secrets: bodies, expectExit: [0], steps: [{ argv: ['audit', '--config', 'mimir.yaml', '--brief', '--fail-on', 'none'] }, { argv: ['audit', '--config', 'mimir.yaml', '--format', 'md', '--fail-on', 'none'] }] });
    attacks.push({ family: 'secrets', name: `${source}: --no-redact (control)`, files, secrets: bodies, control: true, steps: [{ argv: ['audit', '--config', 'mimir.yaml', '--format', 'terminal,md,json,html,sarif,junit', '--out', 'out', '--fail-on', 'none', '--no-redact'] }] });
  }

  // Two audits saved unredacted (a report someone kept), compared: the diff must redact them.
  const prep = join(root, 'diff-prep');
  mkdirSync(prep);
  writeFileSync(join(prep, 'otlp.jsonl'), sources['otlp.jsonl']);
  writeFileSync(join(prep, 'mimir.yaml'), config('otlp.jsonl'));
  const saved = await runMimir(['audit', '--config', 'mimir.yaml', '--format', 'json', '--no-redact', '--fail-on', 'none'], prep);
  const before = JSON.parse(saved.stdout.replace(/^UNREDACTED[^\n]*\n/, ''));
  const after = structuredClone(before);
  after.findings = after.findings.map((finding, i) => ({ ...finding, message: `${finding.message} ${nextSecret()}`, ...(i % 3 === 0 && finding.outcome === 'insufficient-evidence' && { outcome: 'error' }) }));
  after.system.name = `${after.system.name} ${nextSecret()}`;
  const reports = { 'before.json': JSON.stringify(before, null, 2), 'after.json': JSON.stringify(after, null, 2), 'mimir.yaml': config('otlp.jsonl') };
  for (const format of ['terminal', 'md', 'json']) {
    attacks.push({ family: 'secrets', name: `mimir diff of unredacted reports, ${format}`, files: reports, secrets: bodies, expectExit: [0], steps: [{ argv: ['diff', 'before.json', 'after.json', '--format', format] }] });
  }
  attacks.push({ family: 'secrets', name: 'mimir diff --no-redact (control)', files: reports, secrets: bodies, control: true, steps: [{ argv: ['diff', 'before.json', 'after.json', '--format', 'json', '--no-redact'] }] });
  return attacks;
}
