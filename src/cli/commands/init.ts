import { writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Document } from 'yaml';
import { RISK_CLASSES, type RiskClass } from '../../model/index.js';
import { UserError } from '../../shared/errors.js';
import { fileExists } from '../../shared/read-user-file.js';
import type { MimirConfigInput } from '../../config/schema.js';
import { parseConfig } from '../../audit/load-config.js';
import type { CliIo } from '../io.js';
import type { Prompter } from '../prompter.js';

export interface InitOptions {
  readonly config: string;
  readonly name?: string;
  readonly description?: string;
  /** `name=risk` or `pattern*=risk`. */
  readonly tool: readonly string[];
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
  if (interactive) {
    name = await prompter.input('What is the agent system called?', { ...(name !== undefined && { default: name }), required: true });
    description = await prompter.input('Describe it in one sentence (optional):', { default: description ?? '' });
    prompter.say('Name the tools the agent can call, with their risk (patterns like send_* are fine). An empty name ends the list.');
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
  };
  const text = renderConfig(config);
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

function renderConfig(config: MimirConfigInput): string {
  const document = new Document(config);
  document.commentBefore =
    ' mimir.yaml — describes the agent system for `mimir audit`.\n' +
    ' Schema for editor completion: schemas/mimir.schema.json in the mimir package.\n' +
    ' Policy defaults (thresholds 50/40 red, 80/60 green; attestation factor 0.5) apply unless set under `policy:`.';
  return document.toString();
}


export const DEFAULT_ANSWERS_FILE = join('.', 'mimir-answers.yaml');
