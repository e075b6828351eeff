import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'canonical-log-is-append-only',
  area: 'architecture',
  severity: 'medium',
  title: 'One append-only, tamper-evident log records what the agent did',
  question:
    'Is there a single canonical log of every action the agent took (model calls, tool calls with their arguments and results, approvals) that is append-only and tamper-evident (hash-chained, or on write-once storage), and is it the source of truth for audits and restarts?',
  rationale:
    'After an incident the first question is "what exactly did the agent do?", and the answer must not depend on debug logs that rotate, are sampled, or can be edited. With several partial records (application logs, traces sampled at 10%, a database table) nobody can say which one is right, and a restart that rebuilds state from a mutable log can be steered by whoever changed it. An append-only, tamper-evident log makes both audits and restarts defensible.',
  remediation: {
    text: 'Choose one log as canonical and write every action to it as it takes effect: an append-only table in which each record stores the hash of the previous one, or object storage with write-once retention (S3 Object Lock, WORM). Never sample it, revoke update and delete rights on it, verify the hash chain on a schedule, and make restarts and audit reports read from it rather than from debug logs.',
    effort: 'days',
  },
  answerableBy: ['attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
