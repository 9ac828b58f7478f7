// Run by memory-start in a process of its own: opens the embedded database in the folder given
// as the product does (PGlite and its socket server, a query through the socket by pg), lets it
// settle, and prints its memory as JSON, to tell PGlite's share of the product's RSS from
// Node-RED's and ours. With the folder `-` it opens nothing: the RSS of an empty Node process.
// Besides process.memoryUsage(): the WebAssembly memory PGlite made (reserved) and how much of
// it is resident, read from /proc/self/smaps (the anonymous mapping of exactly that size).
import fs from 'node:fs';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';

/** Every WebAssembly.Memory made in this process (PGlite makes one). */
const memories: WebAssembly.Memory[] = [];
const OriginalMemory = WebAssembly.Memory;
WebAssembly.Memory = function Memory(descriptor: WebAssembly.MemoryDescriptor) {
  const memory = new OriginalMemory(descriptor);
  memories.push(memory);
  return memory;
} as unknown as typeof WebAssembly.Memory;

/** The resident bytes of the anonymous mapping of `size` bytes (the largest such, if several). */
function residentOfMapping(size: number): number {
  let resident = 0;
  let current: { size: number; anonymous: boolean } | undefined;
  for (const line of fs.readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      current = { size: Number.parseInt(mapping[2], 16) - Number.parseInt(mapping[1], 16), anonymous: mapping[3] === '' };
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && current?.anonymous && current.size === size) resident = Math.max(resident, Number(rss[1]) * 1024);
  }
  return resident;
}

async function main(): Promise<void> {
  const [dataDir, settleMs] = process.argv.slice(2);
  const settle = () => new Promise((resolve) => setTimeout(resolve, Number(settleMs) || 0));
  if (dataDir === '-') {
    await settle();
    console.log(JSON.stringify(process.memoryUsage()));
    return;
  }
  const embedded = await startEmbeddedPostgres(dataDir);
  try {
    // a unix socket's folder as the URL's host, percent-encoded
    const client = new Client({ connectionString: `postgres://postgres@${encodeURIComponent(embedded.socketDir)}:${embedded.port}/postgres` });
    await client.connect();
    try {
      await client.query('SELECT count(*) FROM pg_class');
    } finally {
      await client.end();
    }
    await settle();
    const wasmReserved = memories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0);
    const wasmResident = memories.reduce((sum, memory) => sum + residentOfMapping(memory.buffer.byteLength), 0);
    console.log(JSON.stringify({ ...process.memoryUsage(), wasmReserved, wasmResident }));
  } finally {
    await embedded.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
