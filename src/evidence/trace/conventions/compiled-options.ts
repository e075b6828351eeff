import { DEFAULT_ERROR_RESULT_PATTERNS } from '../../../config/trace-defaults.js';
import type { RiskClass } from '../../../model/index.js';
import { compileUserRegExp } from '../../../shared/user-regexp.js';
import { UserError } from '../../../shared/errors.js';
import { wildcardToRegExp } from '../../../shared/wildcard.js';
import type { AttributeMapping, TraceReadOptions } from '../types.js';
import { VERCEL } from './names.js';
import { MIMIR } from './vocabulary.js';

/**
 * TraceReadOptions prepared once per file: regular expressions compiled, attribute name lists
 * joined, and per-name answers (tool risk, context window) cached, so nothing per span compiles
 * or scans the configuration again.
 */

/** Attribute names to try, in order: the standard one, then the team's own (mapping). */
export interface NameList {
  readonly plain: readonly string[];
  /** For Vercel AI SDK spans: also the names as `experimental_telemetry.metadata` keys. */
  readonly vercel: readonly string[];
}

export interface MappedNames {
  readonly taskId: NameList;
  readonly claimedStatus: NameList;
  readonly approvalDecision: NameList;
  readonly approvalToolCallId: NameList;
  readonly approvalActor: NameList;
  readonly checkpointId: NameList;
  readonly confidence: NameList;
  readonly toolRisk: NameList;
  readonly runId: NameList;
  readonly trial: NameList;
  readonly resumedFrom: NameList;
  readonly infrastructureError: NameList;
  readonly stepKind: NameList;
  readonly memoryOperation: NameList;
  readonly memoryScope: NameList;
  readonly memoryKey: NameList;
  readonly memoryContent: NameList;
  readonly stateKey: NameList;
  readonly stateBaseVersion: NameList;
  readonly stateVersion: NameList;
  readonly stateMerge: NameList;
}

/**
 * mimir's own error patterns, which every reading without a mimir.yaml uses. They are anchored at
 * the text's start and repeat nothing nested, so V8's backtracking engine tries them at the start
 * only and is linear in the leading whitespace; the linear-time engine that a user's pattern needs
 * reads the whole text instead (a tool result of kilobytes, for each tool call).
 */
const OWN_ERROR_PATTERNS: ReadonlySet<string> = new Set(DEFAULT_ERROR_RESULT_PATTERNS);

/** Caches keyed by names seen in traces are bounded: a corpus with millions of distinct names cannot grow them. */
const MAX_CACHED_NAMES = 4096;

export class CompiledReadOptions {
  readonly maxAttributeBytes: number;
  readonly names: MappedNames;
  private readonly errorPatterns: readonly RegExp[];
  private readonly exactTools = new Map<string, RiskClass>();
  private readonly patternTools: { readonly pattern: RegExp; readonly risk: RiskClass }[] = [];
  private readonly riskCache = new Map<string, RiskClass | null>();
  private readonly exactWindows = new Map<string, number>();
  private readonly patternWindows: { readonly pattern: RegExp; readonly tokens: number }[] = [];
  private readonly windowCache = new Map<string, number | null>();

  constructor(options: TraceReadOptions) {
    this.maxAttributeBytes = options.maxAttributeBytes;
    this.names = mappedNames(options.mapping);
    // Compiled for the linear-time engine: a user's pattern must not hang on an agent's text.
    this.errorPatterns = options.errorResultPatterns.map((source) => {
      if (OWN_ERROR_PATTERNS.has(source)) return new RegExp(source);
      const compiled = compileUserRegExp(source);
      if ('regexp' in compiled) return compiled.regexp;
      throw new UserError('invalid-config', `errorResultPatterns: ${JSON.stringify(source)} ${compiled.error}`, { hint: 'Fix the pattern in evidence.traces.errorResultPatterns in mimir.yaml.' });
    });
    for (const tool of options.tools) {
      if (tool.name !== undefined) {
        if (!this.exactTools.has(tool.name)) this.exactTools.set(tool.name, tool.risk);
      } else if (tool.pattern !== undefined) {
        this.patternTools.push({ pattern: wildcardToRegExp(tool.pattern), risk: tool.risk });
      }
    }
    for (const [model, tokens] of Object.entries(options.contextWindows)) {
      if (model.includes('*') || model.includes('?')) this.patternWindows.push({ pattern: wildcardToRegExp(model), tokens });
      else this.exactWindows.set(model, tokens);
    }
  }

  /** True when a tool result's text matches one of errorResultPatterns. */
  looksLikeError(text: string): boolean {
    for (const pattern of this.errorPatterns) if (pattern.test(text)) return true;
    return false;
  }

  get hasErrorPatterns(): boolean {
    return this.errorPatterns.length > 0;
  }

  /** The declared risk of a tool: an exact name wins over patterns, patterns in declaration order. */
  declaredRisk(toolName: string): RiskClass | undefined {
    const cached = this.riskCache.get(toolName);
    if (cached !== undefined) return cached ?? undefined;
    let risk = this.exactTools.get(toolName);
    if (risk === undefined) risk = this.patternTools.find((tool) => tool.pattern.test(toolName))?.risk;
    remember(this.riskCache, toolName, risk ?? null);
    return risk;
  }

  /** A model's context window from mimir.yaml: an exact name wins over patterns. */
  contextWindow(model: string): number | undefined {
    const cached = this.windowCache.get(model);
    if (cached !== undefined) return cached ?? undefined;
    let tokens = this.exactWindows.get(model);
    if (tokens === undefined) tokens = this.patternWindows.find((window) => window.pattern.test(model))?.tokens;
    remember(this.windowCache, model, tokens ?? null);
    return tokens;
  }
}

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_CACHED_NAMES) cache.clear();
  cache.set(key, value);
}

function mappedNames(mapping: AttributeMapping): MappedNames {
  const list = (standard: string, team: readonly string[] = []): NameList => ({
    plain: [standard, ...team],
    vercel: [standard, VERCEL.metadataPrefix + standard, ...team, ...team.map((name) => VERCEL.metadataPrefix + name)],
  });
  return {
    taskId: list(MIMIR.taskId, mapping.taskId),
    claimedStatus: list(MIMIR.claimedStatus, mapping.claimedStatus),
    approvalDecision: list(MIMIR.approvalDecision, mapping.approvalDecision),
    approvalToolCallId: list(MIMIR.approvalToolCallId, mapping.approvalToolCallId),
    approvalActor: list(MIMIR.approvalActor, mapping.approvalActor),
    checkpointId: list(MIMIR.checkpointId, mapping.checkpointId),
    confidence: list(MIMIR.confidence, mapping.confidence),
    toolRisk: list(MIMIR.toolRisk, mapping.toolRisk),
    runId: list(MIMIR.runId, mapping.runId),
    trial: list(MIMIR.trial, mapping.trial),
    resumedFrom: list(MIMIR.resumedFrom, mapping.resumedFrom),
    infrastructureError: list(MIMIR.infrastructureError, mapping.infrastructureError),
    stepKind: list(MIMIR.stepKind, mapping.stepKind),
    memoryOperation: list(MIMIR.memoryOperation, mapping.memoryOperation),
    memoryScope: list(MIMIR.memoryScope, mapping.memoryScope),
    memoryKey: list(MIMIR.memoryKey, mapping.memoryKey),
    memoryContent: list(MIMIR.memoryContent, mapping.memoryContent),
    stateKey: list(MIMIR.stateKey, mapping.stateKey),
    stateBaseVersion: list(MIMIR.stateBaseVersion, mapping.stateBaseVersion),
    stateVersion: list(MIMIR.stateVersion, mapping.stateVersion),
    stateMerge: list(MIMIR.stateMerge, mapping.stateMerge),
  };
}
