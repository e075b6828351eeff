#!/usr/bin/env node
// The hardened back-office agent: the naive agent's loop, model and tools, with the safeguards in
// the plumbing around them (see ../shared/hardened-runtime.mjs for the list).
import { runHardenedAgent } from '../shared/hardened-runtime.mjs';

await runHardenedAgent({
  agentName: 'back-office-hardened',
  // Every high-risk tool waits for a person's approval of that exact call.
  approvalRequired: ['issue_refund', 'send_email', 'delete_record'],
});
