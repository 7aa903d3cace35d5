// A real MCP client (the TypeScript SDK, installed by tests/search/sdk.bats
// into $NPM_DIR) against mem-search: connect, list the tools, call search.
// usage: node sdk-client.cjs stdio BIN | node sdk-client.cjs http URL
'use strict';
const path = require('path');
const { createRequire } = require('module');

const sdk = createRequire(path.join(process.env.NPM_DIR, 'package.json'));
const { Client } = sdk('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = sdk('@modelcontextprotocol/sdk/client/stdio.js');
const { StreamableHTTPClientTransport } =
  sdk('@modelcontextprotocol/sdk/client/streamableHttp.js');

function fail(msg) {
  console.error(`FAIL: ${msg}`);
  process.exit(1);
}

async function exercise(transport, label) {
  const client = new Client({ name: 'csup-sdk-test', version: '1.0.0' });
  await client.connect(transport);
  const server = client.getServerVersion();
  if (!server || server.name !== 'claude-mem-search')
    fail(`${label}: server name ${JSON.stringify(server)}`);
  const { tools } = await client.listTools();
  if (tools.length !== 14) fail(`${label}: ${tools.length} tools`);
  for (const t of tools)
    if (!t.inputSchema || t.inputSchema.type !== 'object')
      fail(`${label}: ${t.name} has no object schema`);
  const r = await client.callTool({ name: 'search',
    arguments: { query: 'procesess leek', limit: 5 } });
  const text = r.content && r.content[0] && r.content[0].text;
  if (r.isError || !text || !text.includes('claude-mem://observation/1'))
    fail(`${label}: search answered ${JSON.stringify(r)}`);
  await client.ping();
  await client.close();
  console.log(`${label}: ok, ${tools.length} tools, ` +
    `protocol ${transport.protocolVersion || 'negotiated'}`);
}

async function main() {
  const [mode, target] = process.argv.slice(2);
  if (mode === 'stdio') {
    await exercise(new StdioClientTransport({
      command: target, args: ['--stdio'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME || '/',
        TZ: 'UTC', CLAUDE_MEM_DATA_DIR: process.env.CLAUDE_MEM_DATA_DIR },
      stderr: 'inherit',
    }), 'stdio');
  } else if (mode === 'http') {
    await exercise(new StreamableHTTPClientTransport(new URL(target)), 'http');
  } else {
    fail('usage: sdk-client.cjs stdio BIN | http URL');
  }
}

main().catch((e) => fail(e && e.stack || String(e)));
