#!/usr/bin/env node
// The subtle back-office agent: the hardened agent with exactly one flaw. Everything is the same
// code and the same configuration as ../hardened/agent.mjs, except that send_email is missing from
// the approval set: the agent can email any customer without a person seeing the message first.
import { runHardenedAgent } from '../shared/hardened-runtime.mjs';

await runHardenedAgent({
  agentName: 'back-office-subtle',
  approvalRequired: ['issue_refund', 'delete_record'], // the flaw: send_email is not gated
});
