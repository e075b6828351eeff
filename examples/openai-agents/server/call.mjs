#!/usr/bin/env node
// Call one tool of the help-desk server by hand (the server is started over stdio, or reached
// at --url). Prints the raw MCP result.
//
//   node server/call.mjs list
//   node server/call.mjs get_user '{"user_id":"u-1002"}'
//   node server/call.mjs --url http://127.0.0.1:8765/mcp inspect_world
import { fileURLToPath } from 'node:url';
import { MCPServerStdio, MCPServerStreamableHttp } from '@openai/agents';

const argv = process.argv.slice(2);
let url;
if (argv[0] === '--url') {
  url = argv[1];
  argv.splice(0, 2);
}
const [tool = 'list', json = '{}'] = argv;
const server = url
  ? new MCPServerStreamableHttp({ url, name: 'helpdesk' })
  : new MCPServerStdio({ command: process.execPath, args: [fileURLToPath(new URL('./server.mjs', import.meta.url))], name: 'helpdesk', env: { ...process.env } });

await server.connect();
try {
  if (tool === 'list') {
    const tools = await server.listTools();
    for (const t of tools) process.stdout.write(`${t.name}  ${JSON.stringify(t.annotations ?? {})}\n`);
  } else {
    const result = await server.callToolResult(tool, JSON.parse(json));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} finally {
  await server.close();
}
