import { dirname, isAbsolute, join } from 'node:path';
import type { Policy, SystemDescription, ToolDeclaration } from '../model/index.js';
import { sha256 } from '../shared/hash.js';
import { userSecretPattern, type SecretPattern } from '../shared/redact.js';
import { readUserFile } from '../shared/read-user-file.js';
import { parseYamlSource, throwIfInvalid, type YamlSource } from '../shared/yaml-source.js';
import { configSchema, type MimirConfig } from './schema.js';

/**
 * mimir.yaml as read and validated by config, which knows no checks: the check ids in
 * `policy.disabled` and the options under `policy.checks` are still to be judged by the audit
 * against the checks it runs (built-in and custom), with the YAML source to locate its errors.
 */
export interface ConfigFile {
  readonly path: string;
  /** sha256 of the file's bytes as read: `sha256sum mimir.yaml` gives the same. */
  readonly hash: string;
  readonly config: MimirConfig;
  readonly system: SystemDescription;
  /** The policy but for the check options, which only the checks themselves can parse. */
  readonly policy: Omit<Policy, 'checkOptions'>;
  /** The parsed file, so that problems found later can still point at a line and column. */
  readonly source: YamlSource;
  /** The answers file, resolved against the config's directory. */
  readonly answersPath?: string;
  /** Trace sources and reading options, paths resolved against the config's directory. */
  readonly traces?: TraceSourcesConfig;
  /** How to run probes, paths resolved against the config's directory. */
  readonly probes?: ProbesConfig;
  /** `redaction.patterns`, compiled: redacted in reports and logs after the built-in shapes. */
  readonly redaction: readonly SecretPattern[];
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
    /** Restores the server's state before every trial: a command (cwd resolved) or a URL to POST to. */
    readonly reset?: { readonly command: readonly string[]; readonly cwd: string } | { readonly url: string };
    /** A sandbox: its high-risk calls are forwarded and their results recorded to shape simulated answers. */
    readonly allowSideEffects?: boolean;
  }[];
  readonly scenarios?: string;
  readonly out: string;
}

export interface TraceSourcesConfig {
  readonly sources: readonly string[];
  readonly labels?: string;
  readonly readOptions: TraceReadingConfig;
}

type TracesSection = NonNullable<MimirConfig['evidence']['traces']>;

/** How trace files are to be read, as mimir.yaml says: the shape the trace readers' options take. */
export interface TraceReadingConfig extends Pick<TracesSection, 'mapping' | 'errorResultPatterns' | 'contextWindows' | 'maxAttributeBytes'> {
  readonly tools: readonly ToolDeclaration[];
}

/** What to do about a mimir.yaml that is not valid, shown under its problems. */
export const CONFIG_HINT = 'Compare with schemas/mimir.schema.json (your editor can complete keys from it), or start again with `mimir init`.';

/** A mimir.yaml is a few kilobytes; one this large is a mistake (or an attack), refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export async function readConfigFile(path: string): Promise<ConfigFile> {
  const text = await readUserFile(path, 'config file', MAX_CONFIG_BYTES);
  return parseConfigFile(text, path);
}

export function parseConfigFile(text: string, path: string): ConfigFile {
  const source = parseYamlSource(text, path);
  const raw: unknown = source.value ?? {};
  const config = throwIfInvalid(configSchema.safeParse(raw), source, 'invalid-config', 'mimir.yaml', CONFIG_HINT, configSchema);

  const system: SystemDescription = {
    name: config.system.name,
    ...(config.system.description !== undefined && { description: config.system.description }),
    tools: config.tools.map((tool) => ({
      risk: tool.risk,
      ...(tool.name !== undefined && { name: tool.name }),
      ...(tool.pattern !== undefined && { pattern: tool.pattern }),
      ...(tool.description !== undefined && { description: tool.description }),
      ...(tool.exampleResult !== undefined && { exampleResult: tool.exampleResult }),
      ...(tool.verifierOnly === true && { verifierOnly: true }),
    })),
  };
  const policy: ConfigFile['policy'] = {
    attestationDiscount: config.policy.attestationDiscount,
    attestationValidityDays: config.policy.attestationValidityDays,
    thresholds: config.policy.thresholds,
    disabled: config.policy.disabled.map((d) => ({ checkId: d.check, justification: d.justification })),
  };
  return {
    path,
    hash: sha256(text),
    config,
    system,
    policy,
    source,
    redaction: config.redaction.patterns.map((p) => userSecretPattern(p.name, p.pattern)),
    ...(config.evidence.answers !== undefined && { answersPath: relativeTo(dirname(path), config.evidence.answers) }),
    ...(config.evidence.traces !== undefined && { traces: traceSourcesConfig(config.evidence.traces, system, dirname(path)) }),
    ...(config.probes !== undefined && { probes: probesConfig(config.probes, dirname(path)) }),
  };
}

/** Re-exported where it always was; it lives apart so that `mimir traces` without a mimir.yaml loads neither zod nor yaml. */
export { defaultTraceReadOptions } from './default-trace-read-options.js';

function traceSourcesConfig(traces: TracesSection, system: SystemDescription, dir: string): TraceSourcesConfig {
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
      ...(server.reset !== undefined && {
        reset: 'url' in server.reset ? { url: server.reset.url } : { command: server.reset.command, cwd: relativeTo(dir, server.reset.cwd ?? server.cwd ?? '.') },
      }),
      ...(server.allowSideEffects !== undefined && { allowSideEffects: server.allowSideEffects }),
    })),
    ...(scenarios !== undefined && { scenarios: relativeTo(dir, scenarios) }),
    out: relativeTo(dir, out),
  };
}

/** Paths in mimir.yaml are relative to it; absolute ones stay as they are. */
function relativeTo(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}
