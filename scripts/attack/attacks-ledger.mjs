// Ledger tampering: what `mimir ledger verify` must find, whichever directory it runs from and
// however the probe results file names the ledger. A tampered ledger that verifies (exit 0) is
// counted as dropped silently. Ledgers are written with mimir's own chain code (dist/).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function ledgerAttacks({ repo, secrets }) {
  const { InMemoryLedger } = await import(pathToFileURL(join(repo, 'dist', 'probe', 'ledger', 'in-memory-ledger.js')).href);
  const { LedgerChain } = await import(pathToFileURL(join(repo, 'dist', 'probe', 'ledger', 'chain.js')).href);
  const secret = secrets[0];
  const record = (i, tool = 'get_order') => ({
    runId: `run-${i}`,
    scenarioId: 'persistent--refund--get_order',
    trial: 1,
    event: 'call',
    tool,
    arguments: { order_id: `A-${i}`, note: i === 3 ? secret.text : 'n' },
    startedAt: `2026-11-24T12:00:0${i}.000Z`,
  });
  const chain = (records) => {
    const ledger = new InMemoryLedger();
    for (const r of records) void ledger.append(r);
    return { lines: ledger.jsonLines().split('\n').slice(0, -1), lastHash: ledger.lastHash };
  };
  const RECORDS = [0, 1, 2, 3, 4, 5].map((i) => record(i, i === 2 ? 'issue_refund' : 'get_order'));
  const ORIGINAL = chain(RECORDS);
  const text = (lines) => lines.map((line) => `${line}\n`).join('');
  const forged = () => {
    const forger = new LedgerChain({ entries: ORIGINAL.lines.length, lastHash: ORIGINAL.lastHash });
    return [...ORIGINAL.lines, forger.next(record(6, 'delete_record')).line.trimEnd()];
  };
  const swap = (lines, a, b) => {
    const copy = [...lines];
    [copy[a], copy[b]] = [copy[b], copy[a]];
    return copy;
  };

  /** The probe's output directory: the ledger and the results file beside it, naming it as `named` says. */
  const files = (ledgerText, named = 'relative-to-results', { results = true } = {}) => {
    const ledgerPath = { 'relative-to-results': 'ledger.jsonl', 'relative-to-project': '.mimir/probes/ledger.jsonl', absolute: '{dir}/project/.mimir/probes/ledger.jsonl' }[named];
    const out = { 'project/.mimir/probes/ledger.jsonl': ledgerText };
    if (results) {
      out['project/.mimir/probes/probe-results.json'] = JSON.stringify({
        schemaVersion: 1, generatedAt: '2026-11-24T12:00:10.000Z', configHash: 'a'.repeat(64), seed: 1,
        evidence: { scenarios: [], toolsListed: ['get_order', 'issue_refund'], ledgerPath },
        skipped: [], ledger: { entries: ORIGINAL.lines.length, lastHash: ORIGINAL.lastHash },
      });
    }
    return out;
  };

  const TAMPERINGS = {
    'last entry cut off': () => text(ORIGINAL.lines.slice(0, -1)),
    'last three entries cut off': () => text(ORIGINAL.lines.slice(0, -3)),
    'all but the first entry cut off': () => text(ORIGINAL.lines.slice(0, 1)),
    'emptied': () => '',
    'cut mid-line': () => text(ORIGINAL.lines).slice(0, -30),
    'an entry forged onto the end': () => text(forged()),
    'the chain re-hashed after an edit': () => text(chain(RECORDS.map((r) => ({ ...r, tool: 'get_order' }))).lines),
    'an entry edited, not re-hashed': () => text(ORIGINAL.lines.map((l, i) => (i === 2 ? l.replace('issue_refund', 'get_order') : l))),
    'a key written twice': () => text(ORIGINAL.lines.map((l, i) => (i === 1 ? l.replace(/^\{/, '{"tool":"delete_record",') : l))),
    'two entries swapped': () => text(swap(ORIGINAL.lines, 1, 2)),
    'an entry deleted from the middle': () => text(ORIGINAL.lines.filter((_, i) => i !== 3)),
    'an entry duplicated': () => text([...ORIGINAL.lines.slice(0, 3), ORIGINAL.lines[2], ...ORIGINAL.lines.slice(3)]),
    'a __proto__ key added': () => text(ORIGINAL.lines.map((l, i) => (i === 1 ? l.replace(/^\{/, '{"__proto__":{"tool":"x"},') : l))),
    'a line of garbage inserted': () => text([ORIGINAL.lines[0], 'not json at all', ...ORIGINAL.lines.slice(1)]),
  };

  const attacks = [];
  const verify = (argvTail = [], cwd = 'elsewhere') => [{ argv: ['ledger', 'verify', '{dir}/project/.mimir/probes/ledger.jsonl', ...argvTail], cwd }];
  attacks.push({ family: 'ledger', name: 'untouched, from another directory (control)', files: files(text(ORIGINAL.lines)), steps: verify(), expectExit: [0], secrets: [secret.body] });
  for (const [what, tamper] of Object.entries(TAMPERINGS)) {
    attacks.push({ family: 'ledger', name: `${what}; results name the ledger by its absolute path; run from another directory`, files: files(tamper(), 'absolute'), steps: verify(), tampered: true, secrets: [secret.body] });
    attacks.push({ family: 'ledger', name: `${what}; results file deleted`, files: files(tamper(), 'relative-to-results', { results: false }), steps: verify(), tampered: true, secrets: [secret.body] });
  }
  for (const what of ['last entry cut off', 'an entry forged onto the end', 'the chain re-hashed after an edit', 'a key written twice', 'cut mid-line']) {
    attacks.push({ family: 'ledger', name: `${what}; results name the ledger relative to the project (as mimir 0.1 wrote it); run from another directory`, files: files(TAMPERINGS[what](), 'relative-to-project'), steps: verify(), tampered: true });
    attacks.push({ family: 'ledger', name: `${what}; run from the project directory`, files: files(TAMPERINGS[what](), 'relative-to-project'), steps: [{ argv: ['ledger', 'verify', '.mimir/probes/ledger.jsonl'], cwd: 'project' }], tampered: true });
    attacks.push({ family: 'ledger', name: `${what}; JSON output`, files: files(TAMPERINGS[what]()), steps: verify(['--format', 'json']), tampered: true });
  }
  attacks.push({ family: 'ledger', name: 'results file damaged, ledger cut', files: { ...files(text(ORIGINAL.lines.slice(0, -1))), 'project/.mimir/probes/probe-results.json': '{"schemaVersion": 1,' }, steps: verify(), tampered: true });
  attacks.push({ family: 'ledger', name: 'ledger is a FIFO', files: { 'project/.mimir/probes/ledger.jsonl': { fifo: true } }, steps: verify(), tampered: true });
  attacks.push({ family: 'ledger', name: 'ledger is /dev/zero', files: { 'project/.mimir/probes/ledger.jsonl': { symlink: '/dev/zero' } }, steps: verify(), tampered: true });
  attacks.push({ family: 'ledger', name: 'ledger is a directory', files: { 'project/.mimir/probes/ledger.jsonl': { dir: true } }, steps: verify(), tampered: true });
  attacks.push({ family: 'ledger', name: 'ledger is one 80 MB line', files: { 'project/.mimir/probes/ledger.jsonl': `{"seq":0,"pad":"${'p'.repeat(80 * 1024 * 1024)}"}\n` }, steps: verify(), tampered: true });
  return attacks;
}
