import { HIGH_RISK_CLASSES, isHighRisk, type SystemDescription, type ToolDeclaration } from '../model/index.js';

/**
 * When a check may legitimately be answered "not applicable", and — where mimir.yaml can tell —
 * what contradicts that answer. A person saying "we have no high-risk tools" while mimir.yaml
 * declares `send_email` as outbound-message is not accepted.
 */
export interface Applicability {
  readonly description: string;
  /** Returns why the system description contradicts "not applicable", or undefined when it does not. */
  readonly contradictedBy?: (system: SystemDescription) => string | undefined;
}

const toolLabel = (tool: ToolDeclaration): string => `${tool.name ?? tool.pattern ?? '?'} (${tool.risk})`;

export const WITHOUT_HIGH_RISK_TOOLS: Applicability = {
  description: `the system has no tool in a high-risk class (${HIGH_RISK_CLASSES.join(', ')})`,
  contradictedBy: (system) => {
    const highRisk = system.tools.filter((tool) => isHighRisk(tool.risk));
    return highRisk.length > 0 ? `mimir.yaml declares high-risk tools: ${highRisk.map(toolLabel).join(', ')}` : undefined;
  },
};

export const WITHOUT_WRITES: Applicability = {
  description: 'the agent performs no writes (every tool is read-only)',
  contradictedBy: (system) => {
    const writers = system.tools.filter((tool) => tool.risk !== 'read-only');
    return writers.length > 0 ? `mimir.yaml declares tools that write: ${writers.map(toolLabel).join(', ')}` : undefined;
  },
};

/** Memory beyond a run is not visible in mimir.yaml, so nothing there can contradict it. */
export const WITHOUT_LONG_TERM_MEMORY: Applicability = {
  description: 'the agent keeps no memory beyond a single run',
};
