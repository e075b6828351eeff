import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'tools-have-declared-risk-classes',
  area: 'human-oversight',
  severity: 'medium',
  title: 'Every tool has a declared risk class',
  question:
    'Does every tool the agent can call have a declared risk class (read-only, reversible-write, money, outbound-message, deletion or irreversible-write), in mimir.yaml or as mimir.tool.risk, so oversight rules apply to it?',
  rationale:
    'Oversight rules are written per risk class: approvals for money and deletions, simulation during probes for outbound messages. A tool with no class silently falls outside all of them, like the issue_credit tool added last sprint that is neither approved nor simulated. The list of classes is also the quickest way for a reviewer to see what the agent can actually do.',
  remediation: {
    text: 'List every tool in mimir.yaml with its risk class, using patterns (send_*, delete*) where names allow, and set mimir.tool.risk on tool spans where the class is known in code. Fail CI when the MCP servers expose a tool that no declaration matches.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
