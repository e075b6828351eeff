import { writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Document, isMap, isSeq } from 'yaml';
import { isHighRisk, RISK_CLASSES, type RiskClass } from '../../model/index.js';
import { UserError } from '../../shared/errors.js';
import { fileExists } from '../../shared/read-user-file.js';
import { matchesWildcard } from '../../shared/wildcard.js';
import type { MimirConfigInput } from '../../config/schema.js';
import { parseConfig } from '../../audit/load-config.js';
import type { CliIo } from '../io.js';
import type { Prompter } from '../prompter.js';
import { discoverTools, type DiscoveredTool } from './init-discover.js';
import { ALERTS_COMMENT, DEFAULT_ALERT_RULES } from './init-alerts.js';

export interface InitOptions {
  readonly config: string;
  readonly name?: string;
  readonly description?: string;
  /** `name=risk` or `pattern*=risk`. */
  readonly tool: readonly string[];
  /** MCP servers to list tools from: a command line (stdio) or an http(s) URL; their annotations suggest risk classes. */
  readonly server?: readonly string[];
  readonly answers: string;
  readonly force: boolean;
  /** Never ask; take everything from flags. */
  readonly yes: boolean;
}

export async function initCommand(options: InitOptions, io: CliIo, prompter: Prompter | undefined): Promise<number> {
  if (!options.force && (await fileExists(options.config))) {
    throw new UserError('file-exists', `${options.config} already exists`, { hint: 'Pass --force to overwrite it, or edit it by hand.' });
  }
  const tools = options.tool.map(parseToolFlag);
  const interactive = prompter !== undefined && !options.yes;
  if (!interactive && options.name === undefined) {
    throw new UserError('not-interactive', 'mimir init needs a terminal to ask questions, or the answers as flags', {
      hint: 'Run it in a terminal, or pass --name "<system>" [--description "..."] [--tool "send_*=outbound-message" …] --yes.',
    });
  }
  let name = options.name;
  let description = options.description;
  const servers = [...(options.server ?? [])];
  /** Why each tool got its risk, by index in `tools`, for a comment beside it in mimir.yaml. */
  const notes = new Map<number, string>();
  if (interactive) {
    name = await prompter.input('What is the agent system called?', { ...(name !== undefined && { default: name }), required: true });
    description = await prompter.input('Describe it in one sentence (optional):', { default: description ?? '' });
    if (servers.length === 0) {
      const server = await prompter.input("The MCP server the agent's tools come from: its start command or URL (empty to skip):");
      if (server.trim() !== '') servers.push(server.trim());
    }
  }
  const discovered = uncovered(await discoverTools(servers), tools);
  if (discovered.length > 0 && interactive) {
    prompter.say("Each tool's risk class is suggested from the annotations its server gives it (MCP's readOnlyHint, destructiveHint, openWorldHint); they are the server author's claims, so check each one.");
  }
  for (const tool of discovered) {
    const { risk: suggested, source } = tool.suggestion;
    let risk = suggested;
    if (interactive) {
      prompter.say(`${tool.name}${tool.description !== undefined ? `: ${tool.description}` : ''}`);
      const choices = [suggested, ...RISK_CLASSES.filter((r) => r !== suggested)].map((r) => ({ value: r, name: r === suggested ? `${r} (suggested)` : r }));
      risk = await prompter.select(`Risk class of ${tool.name} (suggested: ${suggested}, from ${source}):`, choices, suggested);
    } else {
      io.stderr.write(`mimir: ${tool.name}: ${suggested}, suggested from ${source}; check it in ${options.config}\n`);
    }
    const needsExample = isHighRisk(risk) && !tool.hasOutputSchema;
    const example = needsExample && interactive ? await askExampleResult(prompter, tool.name) : undefined;
    const note = [
      risk === suggested && ` risk suggested from ${source}${interactive ? '' : '; not reviewed'}`,
      needsExample && example === undefined && ` no output schema: add exampleResult (one real result of ${tool.name}) so simulated calls during probes answer in its shape`,
    ].filter((part): part is string => typeof part === 'string');
    if (note.length > 0) notes.set(tools.length, note.join('\n'));
    tools.push({ ...toolEntry(tool.name, risk), ...(example !== undefined && { exampleResult: example.value }) });
  }
  if (interactive) {
    prompter.say(
      discovered.length > 0
        ? 'Name any other tools the agent can call, with their risk (patterns like send_* are fine). An empty name ends the list.'
        : 'Name the tools the agent can call, with their risk (patterns like send_* are fine). An empty name ends the list.',
    );
    for (;;) {
      const tool = await prompter.input('Tool name or pattern:');
      if (tool.trim() === '') break;
      const risk = await prompter.select(`Risk class of ${tool}:`, RISK_CLASSES.map((r) => ({ value: r, name: r })));
      tools.push(toolEntry(tool.trim(), risk));
    }
  }
  const config: MimirConfigInput = {
    version: 1,
    system: { name: name ?? '', ...(description ? { description } : {}) },
    tools,
    evidence: { answers: relative(dirname(options.config), options.answers) || options.answers },
    alerts: { rules: DEFAULT_ALERT_RULES },
  };
  const text = renderConfig(config, notes);
  parseConfig(text, options.config); // what init writes must load; a failure here is a bug, not a user error
  await writeFile(options.config, text);
  io.stderr.write(`wrote ${options.config}\n`);
  if (!(await fileExists(options.answers))) {
    await writeFile(options.answers, 'version: 1\n# Answers by check id; `mimir walk` fills this in.\nanswers: {}\n');
    io.stderr.write(`wrote ${options.answers}\n`);
  }
  io.stderr.write('next: `mimir walk` to answer the checklist, then `mimir audit`\n');
  return 0;
}

/**
 * One real result of a high-risk tool whose server declares no output schema: probes simulate its
 * calls, and an agent that validates results rejects an answer of the wrong shape. JSON, or the text
 * as it is; empty skips.
 */
async function askExampleResult(prompter: Prompter, tool: string): Promise<{ value: unknown } | undefined> {
  const text = (
    await prompter.input(`${tool} declares no output schema. Paste one real result of it (JSON), so probes answer simulated calls in that shape (empty to skip):`)
  ).trim();
  if (text === '') return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    prompter.say(`Not JSON: kept as text. Edit exampleResult of ${tool} in mimir.yaml if the tool returns JSON.`);
    return { value: text };
  }
}

function parseToolFlag(flag: string): MimirConfigInput['tools'] extends (infer T)[] | undefined ? T : never {
  const at = flag.lastIndexOf('=');
  const nameOrPattern = flag.slice(0, at).trim();
  const risk = flag.slice(at + 1).trim();
  if (at <= 0 || nameOrPattern === '' || !(RISK_CLASSES as readonly string[]).includes(risk)) {
    throw new UserError('usage', `--tool "${flag}" is not name=risk`, {
      expected: `name=risk with risk one of: ${RISK_CLASSES.join(', ')}`,
      hint: 'For example: --tool "send_*=outbound-message" --tool lookup_order=read-only',
    });
  }
  return toolEntry(nameOrPattern, risk as RiskClass);
}

function toolEntry(nameOrPattern: string, risk: RiskClass) {
  return /[*?]/.test(nameOrPattern) ? { pattern: nameOrPattern, risk } : { name: nameOrPattern, risk };
}

/** Discovered tools that no `--tool` flag already names or matches: the user's word comes first. */
function uncovered(discovered: readonly DiscoveredTool[], given: readonly { name?: string | undefined; pattern?: string | undefined }[]): DiscoveredTool[] {
  return discovered.filter((tool) => !given.some((entry) => entry.name === tool.name || (entry.pattern !== undefined && matchesWildcard(entry.pattern, tool.name))));
}

function renderConfig(config: MimirConfigInput, notes: ReadonlyMap<number, string>): string {
  const document = new Document(config);
  const tools = document.get('tools', true);
  if (isSeq(tools)) {
    for (const [index, note] of notes) {
      const item = tools.items[index];
      if (isMap(item)) item.commentBefore = note;
    }
  }
  const alerts = document.get('alerts', true);
  if (isMap(alerts)) alerts.commentBefore = ALERTS_COMMENT;
  document.commentBefore =
    ' mimir.yaml — describes the agent system for `mimir audit`.\n' +
    ' Schema for editor completion: schemas/mimir.schema.json in the mimir package.\n' +
    ' Policy defaults (thresholds 50/40 red, 80/60 green; attestation factor 0.5) apply unless set under `policy:`.';
  return document.toString();
}


export const DEFAULT_ANSWERS_FILE = join('.', 'mimir-answers.yaml');
