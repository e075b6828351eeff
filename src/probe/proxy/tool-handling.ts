import { isHighRisk } from '../../model/system.js';
import type { RiskClass } from '../../model/system.js';
import type { UpstreamPool } from './upstreams.js';

/** What decides a tool's handling: mimir.yaml's risk classes, the upstream servers, and whether side effects may happen for real. */
export interface ToolHandlingSources {
  readonly pool: UpstreamPool;
  readonly riskOf: (tool: string) => RiskClass | undefined;
  /** Forward high-risk calls for real; an upstream's own `allowSideEffects` (a sandbox) overrides it. */
  readonly allowSideEffects: boolean;
}

/** How the proxy treats calls of one tool during probes. */
export interface ToolHandling {
  /** mimir.yaml classified it; else the server's `readOnlyHint: true` made it read-only; else it is undeclared and treated as high-risk. */
  readonly riskFrom: 'mimir.yaml' | 'server-annotation' | 'undeclared';
  readonly risk: RiskClass | undefined;
  readonly highRisk: boolean;
  readonly readOnly: boolean;
  /** Its upstream is a sandbox (`allowSideEffects` on the server), or side effects are allowed for all. */
  readonly sideEffectsAllowed: boolean;
}

/**
 * A tool mimir.yaml does not classify is high-risk during probes — simulated, never forwarded —
 * unless its server's annotations say `readOnlyHint: true`.
 */
export function toolHandling(tool: string, options: ToolHandlingSources): ToolHandling {
  const declared = options.riskOf(tool);
  const owner = options.pool.ownerOf(tool);
  const sideEffectsAllowed = owner?.spec.allowSideEffects ?? options.allowSideEffects;
  if (declared !== undefined) return { riskFrom: 'mimir.yaml', risk: declared, highRisk: isHighRisk(declared), readOnly: declared === 'read-only', sideEffectsAllowed };
  if (options.pool.toolNamed(tool)?.annotations?.readOnlyHint === true) return { riskFrom: 'server-annotation', risk: 'read-only', highRisk: false, readOnly: true, sideEffectsAllowed };
  return { riskFrom: 'undeclared', risk: undefined, highRisk: true, readOnly: false, sideEffectsAllowed };
}
