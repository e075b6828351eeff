import { dirname, isAbsolute, join } from 'node:path';
import type { Policy, SystemDescription } from '../model/index.js';
import type { TraceReadOptions } from '../evidence/trace/types.js';
import { findCheck, CHECKS } from '../checks/registry.js';
import { UserError, type UserProblem } from '../shared/errors.js';
import { sha256 } from '../shared/hash.js';
import { readUserFile } from '../shared/read-user-file.js';
import { closestMatch } from '../shared/suggest.js';
import { locateInYaml, parseYamlSource, throwIfInvalid, type YamlSource } from '../shared/yaml-source.js';
import { configSchema, type MimirConfig } from './schema.js';

export interface LoadedConfig {
  readonly path: string;
  /** sha256 of the file's bytes as read: `sha256sum mimir.yaml` gives the same. */
  readonly hash: string;
  readonly config: MimirConfig;
  readonly system: SystemDescription;
  readonly policy: Policy;
  /** The answers file, resolved against the config's directory. */
  readonly answersPath?: string;
  /** Trace sources and reading options, paths resolved against the config's directory. */
  readonly traces?: TraceSourcesConfig;
  /** How to run probes, paths resolved against the config's directory. */
  readonly probes?: ProbesConfig;
}

type ProbesSection = NonNullable<MimirConfig['probes']>;

/** The probes section with every path resolved against the config's directory. */
export interface ProbesConfig extends Omit<ProbesSection, 'agent' | 'servers' | 'scenarios' | 'out'> {
  readonly agent:
    | { readonly kind: 'command'; readonly command: readonly string[]; readonly cwd: string; readonly env: Readonly<Record<string, string>>; readonly timeoutMs: number }
    | { readonly kind: 'http'; readonly url: string; readonly timeoutMs: number };
  readonly servers: readonly {
    readonly name: string;
    readonly command?: readonly string[];
    readonly cwd?: string;
    readonly env?: Readonly<Record<string, string>>;
    readonly url?: string;
  }[];
  readonly scenarios?: string;
  readonly out: string;
}

export interface TraceSourcesConfig {
  readonly sources: readonly string[];
  readonly labels?: string;
  readonly readOptions: TraceReadOptions;
}

const HINT = 'Compare with schemas/mimir.schema.json (your editor can complete keys from it), or start again with `mimir init`.';

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const text = await readUserFile(path, 'config file');
  return parseConfig(text, path);
}

export function parseConfig(text: string, path: string): LoadedConfig {
  const source = parseYamlSource(text, path);
  const raw: unknown = source.document.toJS() ?? {};
  const config = throwIfInvalid(configSchema.safeParse(raw), source, 'invalid-config', 'mimir.yaml', HINT, configSchema);
  rejectUnknownDisabledChecks(config, source);

  const system: SystemDescription = {
    name: config.system.name,
    ...(config.system.description !== undefined && { description: config.system.description }),
    tools: config.tools.map((tool) => ({
      risk: tool.risk,
      ...(tool.name !== undefined && { name: tool.name }),
      ...(tool.pattern !== undefined && { pattern: tool.pattern }),
      ...(tool.description !== undefined && { description: tool.description }),
    })),
  };
  const checkOptions: Record<string, Record<string, unknown>> = {};
  for (const [id, options] of Object.entries(config.policy.checks)) {
    if (options) checkOptions[id] = options;
  }
  const policy: Policy = {
    attestationDiscount: config.policy.attestationDiscount,
    attestationValidityDays: config.policy.attestationValidityDays,
    thresholds: config.policy.thresholds,
    disabled: config.policy.disabled.map((d) => ({ checkId: d.check, justification: d.justification })),
    checkOptions,
  };
  return {
    path,
    hash: sha256(text),
    config,
    system,
    policy,
    ...(config.evidence.answers !== undefined && { answersPath: relativeTo(dirname(path), config.evidence.answers) }),
    ...(config.evidence.traces !== undefined && { traces: traceSourcesConfig(config.evidence.traces, system, dirname(path)) }),
    ...(config.probes !== undefined && { probes: probesConfig(config.probes, dirname(path)) }),
  };
}

/** Reading options for trace files named without a mimir.yaml (`mimir traces file.jsonl`): the documented defaults. */
export function defaultTraceReadOptions(system: SystemDescription = { name: 'unnamed system', tools: [] }): TraceReadOptions {
  const defaults = configSchema.shape.evidence.unwrap().shape.traces.unwrap().parse({ sources: ['-'] });
  return traceSourcesConfig(defaults, system, '.').readOptions;
}

function traceSourcesConfig(traces: NonNullable<MimirConfig['evidence']['traces']>, system: SystemDescription, dir: string): TraceSourcesConfig {
  return {
    sources: traces.sources.map((source) => relativeTo(dir, source)),
    ...(traces.labels !== undefined && { labels: relativeTo(dir, traces.labels) }),
    readOptions: {
      tools: system.tools,
      mapping: traces.mapping,
      errorResultPatterns: traces.errorResultPatterns,
      contextWindows: traces.contextWindows,
      maxAttributeBytes: traces.maxAttributeBytes,
    },
  };
}

function probesConfig(probes: ProbesSection, dir: string): ProbesConfig {
  const { agent, servers, scenarios, out, ...rest } = probes;
  return {
    ...rest,
    agent:
      agent.command !== undefined
        ? { kind: 'command', command: agent.command, cwd: relativeTo(dir, agent.cwd ?? '.'), env: agent.env ?? {}, timeoutMs: agent.timeoutMs }
        : { kind: 'http', url: agent.url ?? '', timeoutMs: agent.timeoutMs },
    servers: servers.map((server) => ({
      name: server.name,
      ...(server.command !== undefined && { command: server.command, cwd: relativeTo(dir, server.cwd ?? '.') }),
      ...(server.env !== undefined && { env: server.env }),
      ...(server.url !== undefined && { url: server.url }),
    })),
    ...(scenarios !== undefined && { scenarios: relativeTo(dir, scenarios) }),
    out: relativeTo(dir, out),
  };
}

/** Paths in mimir.yaml are relative to it; absolute ones stay as they are. */
function relativeTo(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

function rejectUnknownDisabledChecks(config: MimirConfig, source: YamlSource): void {
  const problems: UserProblem[] = [];
  const seen = new Set<string>();
  config.policy.disabled.forEach((entry, index) => {
    const location = { file: source.file, ...locateInYaml(source, ['policy', 'disabled', index, 'check']) };
    if (!findCheck(entry.check)) {
      const suggestion = closestMatch(entry.check, CHECKS.map((c) => c.id));
      problems.push({
        message: `policy.disabled.${index}.check: unknown check id "${entry.check}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        location,
        expected: 'a check id from `mimir checks`',
      });
    } else if (seen.has(entry.check)) {
      problems.push({ message: `policy.disabled.${index}.check: "${entry.check}" is disabled twice`, location, expected: 'each check at most once' });
    }
    seen.add(entry.check);
  });
  if (problems.length > 0) {
    throw new UserError('unknown-check', `${source.file} disables checks it cannot`, { problems, hint: 'List the valid ids with `mimir checks`.' });
  }
}
