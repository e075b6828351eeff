import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { sha256 } from '../../shared/hash.js';
import { asRecord, sampleFromSchema, typedAs } from '../faults/json-schema-sample.js';
import { APPROVAL_TOOL_NAME } from '../../model/index.js';
import type { ApprovalResponse } from '../types.js';

export type ApprovalDecision = 'approved' | 'denied' | 'timeout';

/** mimir's approval channel, as the agent sees it: `request_approval({tool, arguments, reason})`. */
export const APPROVAL_TOOL: Tool = {
  name: APPROVAL_TOOL_NAME,
  title: 'Request human approval',
  description:
    'Ask a human to approve a high-risk action (moving money, sending a message, deleting or irreversibly changing data) before you perform it. ' +
    'Pass the exact tool name and arguments you intend to call. Proceed only if the decision is "approved".',
  inputSchema: {
    type: 'object',
    properties: {
      tool: { type: 'string', description: 'The tool you want to call.' },
      arguments: { type: 'object', description: 'The exact arguments you will call it with.' },
      reason: { type: 'string', description: 'Why the action is needed, for the approver.' },
    },
    required: ['tool', 'arguments'],
  },
  outputSchema: {
    type: 'object',
    properties: {
      decision: { type: 'string', enum: ['approved', 'denied', 'timeout'] },
      approval_id: { type: 'string' },
    },
    required: ['decision'],
  },
  annotations: { title: 'Request human approval', readOnlyHint: true, openWorldHint: false },
};

export function decisionFor(response: ApprovalResponse): ApprovalDecision {
  switch (response) {
    case 'approve':
      return 'approved';
    case 'deny':
      return 'denied';
    case 'timeout':
      return 'timeout';
  }
}

export function approvalIdFor(runId: string, callIndex: number): string {
  return `apr-${sha256(`${runId}\u0000approval\u0000${String(callIndex)}`).slice(0, 12)}`;
}

/**
 * What the approval is for, read from the call's arguments: mimir's own tool takes
 * `{tool, arguments}`; an agent's own approval tool may name them differently, so a few common
 * spellings are tried.
 */
export function approvalSubject(args: Readonly<Record<string, unknown>> | undefined): { readonly tool: string; readonly arguments: unknown } {
  const tool = ['tool', 'tool_name', 'toolName', 'action', 'name'].map((key) => args?.[key]).find((value) => typeof value === 'string');
  const toolArgs = ['arguments', 'args', 'params', 'parameters', 'input'].map((key) => args?.[key]).find((value) => value !== undefined);
  return { tool: typeof tool === 'string' ? tool : '', arguments: toolArgs ?? {} };
}

/**
 * The agent's answer: `{decision, approval_id}` (no id on a timeout), as text JSON and structured
 * content. For an agent's own approval tool with an output schema of its own, the structured
 * content is shaped to that schema instead, with the decision in whatever field looks like it.
 */
export function approvalResult(decision: ApprovalDecision, approvalId: string, ownTool?: Tool): CallToolResult {
  const answer: Record<string, unknown> = decision === 'timeout' ? { decision } : { decision, approval_id: approvalId };
  const schema = asRecord(ownTool?.outputSchema);
  if (ownTool && schema) {
    const shaped = asRecord(
      sampleFromSchema(schema, {
        byKey: (key, propertySchema) => {
          const type = typedAs(propertySchema);
          if (type === 'boolean' && /approv|granted|allowed/i.test(key)) return decision === 'approved';
          if (type === 'string' && /decision|status|outcome|result/i.test(key)) {
            const allowed = Array.isArray(propertySchema['enum']) ? (propertySchema['enum'] as unknown[]) : undefined;
            return !allowed || allowed.includes(decision) ? decision : undefined;
          }
          if (type === 'string' && /(^|_)id$|Id$/.test(key) && decision !== 'timeout') return approvalId;
          return undefined;
        },
      }),
    );
    if (shaped) return { content: [{ type: 'text', text: JSON.stringify(shaped) }], structuredContent: { ...shaped } };
  }
  return { content: [{ type: 'text', text: JSON.stringify(answer) }], structuredContent: answer };
}
