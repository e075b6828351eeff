#!/usr/bin/env node
// Entry point of one build of the help-desk agent. careful/ and one-flaw/ differ in one line,
// the list of tools that wait for a person's approval of the exact call (see ../README.md).
import { runAgent } from '../shared/runtime.mjs';
import { HIGH_RISK_TOOLS } from '../shared/schemas.mjs';

await runAgent({ entryUrl: import.meta.url, gatedTools: HIGH_RISK_TOOLS.filter((tool) => tool !== 'grant_access') });
