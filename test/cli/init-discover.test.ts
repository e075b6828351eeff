/**
 * `mimir init --server`: the tools an MCP server lists, with a risk class suggested from each
 * tool's annotations (readOnlyHint, destructiveHint, openWorldHint) and the source of the
 * suggestion said, end to end over a fixture server on stdio.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/audit/load-config.js';
import { splitCommandLine, suggestRisk } from '../../src/cli/commands/init-discover.js';
import { runCli, tempProject } from '../support/run-cli.js';
import { scriptedPrompter } from '../support/scripted-prompter.js';

const SERVER = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(import.meta.dirname, '..', 'fixtures', 'mcp-upstream', 'annotated-tools.mjs'))}`;

/** What each fixture tool's annotations suggest. */
const SUGGESTED = [
  { name: 'search_web', risk: 'read-only' },
  { name: 'delete_record', risk: 'irreversible-write' },
  { name: 'post_message', risk: 'outbound-message' },
  { name: 'update_note', risk: 'reversible-write' },
  { name: 'tag_ticket', risk: 'outbound-message' },
  { name: 'run_script', risk: 'irreversible-write' },
];

describe('suggestRisk', () => {
  it('reads the hints a server gives before the MCP defaults, and says which decided', () => {
    expect(suggestRisk({ readOnlyHint: true, openWorldHint: true })).toEqual({ risk: 'read-only', source: "the server's readOnlyHint: true" });
    expect(suggestRisk({ destructiveHint: true, openWorldHint: true })).toEqual({ risk: 'irreversible-write', source: "the server's destructiveHint: true" });
    expect(suggestRisk({ openWorldHint: true })).toEqual({ risk: 'outbound-message', source: "the server's openWorldHint: true" });
    expect(suggestRisk({ destructiveHint: false, openWorldHint: false })).toMatchObject({ risk: 'reversible-write' });
    expect(suggestRisk(undefined)).toEqual({ risk: 'irreversible-write', source: 'no destructiveHint from the server (MCP then assumes true)' });
    expect(suggestRisk({ destructiveHint: false })).toEqual({ risk: 'outbound-message', source: 'no openWorldHint from the server (MCP then assumes true)' });
    expect(suggestRisk({ readOnlyHint: false, destructiveHint: false, openWorldHint: false }).risk).toBe('reversible-write');
  });

  it('splits a server command line as a shell would', () => {
    expect(splitCommandLine(`node "my server.js" --port 0 'a b' c\\ d`)).toEqual(['node', 'my server.js', '--port', '0', 'a b', 'c d']);
    expect(() => splitCommandLine('node "open')).toThrow(/unclosed/);
  });
});

describe('mimir init --server', () => {
  it('writes every listed tool with the risk its annotations suggest, and says where each came from', async () => {
    const dir = tempProject({});
    const config = join(dir, 'mimir.yaml');
    const result = await runCli(['init', '--config', config, '--answers', join(dir, 'a.yaml'), '--name', 'ops bot', '--server', SERVER, '--tool', 'tag_*=reversible-write', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    const text = readFileSync(config, 'utf8');
    // A --tool flag the user gave wins over the server's suggestion for the tools it matches.
    expect(parseConfig(text, config).system.tools).toEqual([{ pattern: 'tag_*', risk: 'reversible-write' }, ...SUGGESTED.filter((t) => t.name !== 'tag_ticket')]);
    expect(result.stderr).toContain("delete_record: irreversible-write, suggested from the server's destructiveHint: true");
    expect(result.stderr).toContain("post_message: outbound-message, suggested from the server's openWorldHint: true");
    expect(result.stderr).toContain("search_web: read-only, suggested from the server's readOnlyHint: true");
    expect(result.stderr).toContain('run_script: irreversible-write, suggested from no destructiveHint from the server (MCP then assumes true)');
    expect(result.stderr).not.toContain('tag_ticket');
    // The file says so too, beside each tool, and that nobody reviewed it.
    expect(text).toContain(
      "# risk suggested from the server's destructiveHint: true; not reviewed\n  # no output schema: add exampleResult (one real result of delete_record) so simulated calls during probes answer in its shape\n  - name: delete_record",
    );
    // A high-risk tool whose server declares its output schema needs no example.
    expect(text).not.toContain('one real result of post_message');
  });

  it('asks about each listed tool, offering the suggestion first and naming its source', async () => {
    const dir = tempProject({});
    const config = join(dir, 'mimir.yaml');
    const prompter = scriptedPrompter([
      'ops bot', '', SERVER,
      'read-only',
      'deletion', '{"deleted": true, "record_id": "r-1"}',
      'outbound-message',
      'reversible-write',
      'outbound-message', '',
      'irreversible-write', 'done',
      'refund_*', 'money', '',
    ]);
    const result = await runCli(['init', '--config', config, '--answers', join(dir, 'a.yaml')], { prompter });
    expect(result.code, result.stderr).toBe(0);
    expect(prompter.asked).toContain("Risk class of delete_record (suggested: irreversible-write, from the server's destructiveHint: true):");
    expect(prompter.asked).toContain("Risk class of post_message (suggested: outbound-message, from the server's openWorldHint: true):");
    expect(prompter.asked).toContain("Risk class of search_web (suggested: read-only, from the server's readOnlyHint: true):");
    expect(prompter.choicesSeen[1]?.[0]).toBe('irreversible-write');
    expect(prompter.said).toContain('search_web: Search the public web.');
    const tools = parseConfig(readFileSync(config, 'utf8'), config).system.tools;
    // High-risk tools with no output schema are asked for one real result, for simulated calls; post_message declares its schema.
    expect(prompter.asked.filter((q) => q.includes('declares no output schema')).map((q) => q.split(' ')[0])).toEqual(['delete_record', 'tag_ticket', 'run_script']);
    expect(tools).toContainEqual({ name: 'delete_record', risk: 'deletion', exampleResult: { deleted: true, record_id: 'r-1' } });
    expect(tools).toContainEqual({ name: 'tag_ticket', risk: 'outbound-message' });
    expect(tools).toContainEqual({ name: 'run_script', risk: 'irreversible-write', exampleResult: 'done' });
    expect(prompter.said).toContain('Not JSON: kept as text. Edit exampleResult of run_script in mimir.yaml if the tool returns JSON.');
    expect(tools).toContainEqual({ pattern: 'refund_*', risk: 'money' });
    expect(tools).toHaveLength(7);
    // A suggestion the user overrode carries no "suggested" comment.
    expect(readFileSync(config, 'utf8')).not.toMatch(/suggested[^\n]*\n\s*- name: delete_record/);
  });

  it('a server that cannot be started is a user error, and nothing is written', async () => {
    const dir = tempProject({});
    const config = join(dir, 'mimir.yaml');
    const result = await runCli(['init', '--config', config, '--name', 'x', '--server', `${JSON.stringify(process.execPath)} -e "process.exit(3)"`, '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('could not list the tools of the MCP server');
    expect(result.stderr).not.toContain('internal error');
    expect(() => readFileSync(config)).toThrow();
  });
});
