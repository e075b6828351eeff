// Bad configs: every one must end as a located user error (exit 2) within the time bound, never a
// stack trace; one that is accepted (exit 0) is counted as dropped silently. A few hostile but
// valid configs (a polynomial pattern over a hostile tool result) must simply not hang.
import { syntheticOtlp } from './attacks-traces.mjs';

const BASE = 'version: 1\nsystem:\n  name: s\n';
const WITH_TRACES = `${BASE}evidence:\n  traces:\n    sources: [t.jsonl]\n`;

export async function configAttacks() {
  const attacks = [];
  const traces = syntheticOtlp(3);
  /** A bad mimir.yaml, tried with `mimir audit` (and `mimir traces`, which reads it when present). */
  const bad = (name, config, extra = {}, { alsoTraces = false } = {}) => {
    const files = { 'mimir.yaml': config, 't.jsonl': traces, ...extra };
    attacks.push({ family: 'config', name: `${name} (audit)`, files, steps: [{ argv: ['audit', '--config', 'mimir.yaml', '--format', 'json'] }], invalid: true, expectExit: [2] });
    if (alsoTraces) attacks.push({ family: 'config', name: `${name} (traces)`, files, steps: [{ argv: ['traces', 't.jsonl', '--config', 'mimir.yaml', '--format', 'json'] }], invalid: true, expectExit: [2] });
  };
  const both = { alsoTraces: true };

  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 12; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  bad('YAML alias bomb', `${BASE}${laughs.join('\n')}\n`, {}, both);
  bad('alias bomb inside system', `version: 1\nsystem:\n  name: s\n  description: &x [${Array(50).fill('"x"').join(',')}]\n  other: [${Array(5000).fill('*x').join(',')}]\n`);
  bad('.nan threshold', `${BASE}policy:\n  thresholds:\n    redOverallBelow: .nan\n`, {}, both);
  bad('1e999 threshold', `${BASE}policy:\n  thresholds:\n    redOverallBelow: 1e999\n`);
  bad('-.inf attestationDiscount', `${BASE}policy:\n  attestationDiscount: -.inf\n`);
  bad('attestationValidityDays 1e999', `${BASE}policy:\n  attestationValidityDays: 1e999\n`);
  for (const pattern of ['^(a+)+$', '(a|aa)*b', '(x+x+)+y', '((ab)*c)+', '(a)\\\\1', '(?=a)b', '(?<!x)y', '(a{2,}){3}']) {
    bad(`errorResultPatterns ${pattern}`, `${WITH_TRACES}    errorResultPatterns: ["${pattern}"]\n`, {}, both);
    bad(`redaction pattern ${pattern}`, `${BASE}redaction:\n  patterns:\n    - name: bad\n      pattern: "${pattern}"\n`);
  }
  bad('an invalid regular expression', `${WITH_TRACES}    errorResultPatterns: ["(unclosed"]\n`);
  bad('10 MB of unknown keys', `${BASE}${Array.from({ length: 500_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n`, {}, both);
  bad('10 MB comment', `${BASE}# ${'c'.repeat(10 * 1024 * 1024)}\n`);
  bad('5 MB system name', `version: 1\nsystem:\n  name: ${'n'.repeat(5_000_000)}\nbogus: 1\n`);
  bad('flow sequence nested 100k deep', `${BASE}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
  bad('block mapping nested 5k deep', `${BASE}${Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`);
  bad('duplicate keys', `${BASE}version: 1\n`);
  bad('tab indentation', 'version: 1\nsystem:\n\tname: s\n');
  bad('a misspelt key', `${BASE}evidance: {}\n`);
  bad('version 2', 'version: 2\nsystem:\n  name: s\n');
  bad('a list, not a mapping', '- version: 1\n');
  bad('binary garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  bad('custom tags', `${BASE}x: !js/function "function(){}"\ny: !!binary aGVsbG8=\n`);
  bad('merge keys en masse', `${BASE}base: &b {a: 1}\n${Array.from({ length: 2000 }, (_, i) => `m${i}: {<<: *b}`).join('\n')}\n`);
  bad('a tool with both name and pattern', `${BASE}tools:\n  - name: a\n    pattern: b*\n    risk: money\n`);
  bad('a risk class that does not exist', `${BASE}tools:\n  - name: a\n    risk: scary\n`);
  bad('config is a FIFO', '', { 'mimir.yaml': { fifo: true } }, both);
  bad('config is /dev/zero', '', { 'mimir.yaml': { symlink: '/dev/zero' } }, both);
  bad('config is a directory', '', { 'mimir.yaml': { dir: true } });
  bad('config is a symlink loop', '', { 'mimir.yaml': { symlink: 'mimir.yaml' } });
  bad('empty config', '');
  bad('config null', 'null\n');

  /** A source that is not a regular file: refused, never read forever. */
  const badSource = (name, source) => {
    const files = { 'mimir.yaml': WITH_TRACES, 't.jsonl': source };
    attacks.push({ family: 'config', name: `trace source ${name} (audit)`, files, steps: [{ argv: ['audit', '--config', 'mimir.yaml', '--format', 'json'] }], invalid: true, expectExit: [2] });
    attacks.push({ family: 'config', name: `trace source ${name} (traces)`, files: { 't.jsonl': source }, steps: [{ argv: ['traces', 't.jsonl', '--format', 'json'] }], invalid: true, expectExit: [2] });
  };
  badSource('a FIFO', { fifo: true });
  badSource('/dev/zero', { symlink: '/dev/zero' });
  badSource('/dev/urandom', { symlink: '/dev/urandom' });
  badSource('a symlink loop', { symlink: 't.jsonl' });
  badSource('missing', { symlink: 'nowhere.jsonl' });
  attacks.push({ family: 'config', name: 'labels file a FIFO', files: { 't.jsonl': traces, 'labels.jsonl': { fifo: true } }, steps: [{ argv: ['traces', 't.jsonl', '--labels', 'labels.jsonl', '--format', 'json'] }], invalid: true, expectExit: [2] });
  attacks.push({ family: 'config', name: 'labels file /dev/zero', files: { 't.jsonl': traces, 'labels.jsonl': { symlink: '/dev/zero' } }, steps: [{ argv: ['traces', 't.jsonl', '--labels', 'labels.jsonl', '--format', 'json'] }], invalid: true, expectExit: [2] });
  attacks.push({ family: 'config', name: 'answers file /dev/zero', files: { 'mimir.yaml': `${BASE}evidence:\n  answers: a.yaml\n`, 'a.yaml': { symlink: '/dev/zero' } }, steps: [{ argv: ['audit', '--config', 'mimir.yaml', '--format', 'json'] }], invalid: true, expectExit: [2] });

  // Valid, hostile: a polynomial pattern the checks let through, over a tool result built to make it backtrack.
  const hostileResult = syntheticOtlp(3).replaceAll('Error: upstream refused the refund', 'a'.repeat(200_000));
  for (const pattern of ['a*a*a*a*a*a*b', '\\\\s*\\\\s*\\\\s*x', '(?:a|b)c*a*a*d']) {
    attacks.push({ family: 'config', name: `polynomial errorResultPattern ${pattern} over a 200k tool result`, files: { 'mimir.yaml': `${WITH_TRACES}    errorResultPatterns: ["${pattern}"]\n`, 't.jsonl': hostileResult }, steps: [{ argv: ['traces', 't.jsonl', '--format', 'json'] }], expectExit: [0] });
    attacks.push({ family: 'config', name: `polynomial redaction pattern ${pattern} over a 200k tool result`, files: { 'mimir.yaml': `${WITH_TRACES}redaction:\n  patterns:\n    - name: p\n      pattern: "${pattern}"\n`, 't.jsonl': hostileResult }, steps: [{ argv: ['audit', '--config', 'mimir.yaml', '--format', 'terminal,md,json,html,sarif,junit', '--out', 'out', '--fail-on', 'none'] }], expectExit: [0] });
  }
  return attacks;
}
