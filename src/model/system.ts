import { wildcardToRegExp } from '../shared/wildcard.js';

/**
 * How much harm a tool call can do. The last four are "high-risk": money moves, messages leave,
 * records disappear, or a write cannot be undone. These need a human's approval before they run.
 */
export const RISK_CLASSES = [
  'read-only',
  'reversible-write',
  'money',
  'outbound-message',
  'deletion',
  'irreversible-write',
  'privilege-change',
  'credential-change',
] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/**
 * Classes whose calls need a person's approval first. Privilege changes (granting access, roles) and
 * credential changes (password resets, key rotation) are their own classes: what they allowed in the
 * meantime cannot be undone, whatever the write itself.
 */
export const HIGH_RISK_CLASSES: readonly RiskClass[] = ['money', 'outbound-message', 'deletion', 'irreversible-write', 'privilege-change', 'credential-change'];

export function isHighRisk(risk: RiskClass): boolean {
  return HIGH_RISK_CLASSES.includes(risk);
}

/** A tool of the system, named exactly or by a wildcard pattern (`send_*`). */
export interface ToolDeclaration {
  readonly name?: string;
  readonly pattern?: string;
  readonly risk: RiskClass;
  readonly description?: string;
  /** What a real call returns (JSON or a string): shapes the answer to a simulated call during probes. */
  readonly exampleResult?: unknown;
  /** For verifiers and operators only: the probe proxy never offers it to the agent. */
  readonly verifierOnly?: boolean;
}

/** The system under audit as `mimir.yaml` describes it. */
export interface SystemDescription {
  readonly name: string;
  readonly description?: string;
  readonly tools: readonly ToolDeclaration[];
}

/**
 * The declared risk of a tool by name, as mimir.yaml says: an exact name wins over patterns,
 * patterns in declaration order. Undefined when the tool is not declared.
 */
export function declaredRiskResolver(tools: readonly ToolDeclaration[]): (toolName: string) => RiskClass | undefined {
  const exact = new Map<string, RiskClass>();
  const patterns: { readonly regex: RegExp; readonly risk: RiskClass }[] = [];
  for (const tool of tools) {
    if (tool.name !== undefined && !exact.has(tool.name)) exact.set(tool.name, tool.risk);
    if (tool.pattern !== undefined) patterns.push({ regex: wildcardToRegExp(tool.pattern), risk: tool.risk });
  }
  return (toolName) => exact.get(toolName) ?? patterns.find((p) => p.regex.test(toolName))?.risk;
}
