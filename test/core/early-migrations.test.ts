// npm start's migrations started before Node-RED loads its nodes (src/standalone/early-migrations):
// the flow's store opening the same database at the same moment waits for them and runs none
// again, and a server that cannot be reached is left for the store to report.
import assert from 'node:assert';
import net from 'node:net';
import { onScratchDatabase, serverUrl } from '../support/databases';
import { openDatabase } from '../../src/db/database';
import { migrationFiles } from '../../src/db/migrator';
import type { Logger } from '../../src/logger';
import { migrateWhileNodesLoad } from '../../src/standalone/early-migrations';

function recordingLogger(): Logger & { lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return { lines, warnings, info: (m) => lines.push(m), warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

describe('migrations started before the nodes load (npm start on a PostgreSQL server)', () => {
  it("run each migration once while the flow's store opens the same new database", async function () {
    if (!serverUrl) this.skip();
    this.timeout(60000);
    await onScratchDatabase('early_migrations', async (url) => {
      const early = recordingLogger();
      const storeLines: string[] = [];
      const [, store] = await Promise.all([migrateWhileNodesLoad(url, early), openDatabase({ url }, { log: (line) => storeLines.push(line) })]);
      try {
        const recorded = await store.sql.rows<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY name`);
        assert.deepStrictEqual(
          recorded.map((r) => r.name),
          migrationFiles(),
        );
        const migrated = [...early.lines, ...storeLines].filter((line) => line.startsWith('migration migrated: ')).sort();
        assert.deepStrictEqual(
          migrated,
          migrationFiles().map((name) => `migration migrated: ${name}`),
        );
        assert.deepStrictEqual(early.warnings, []);
        // the store's own connections work on the migrated schema
        assert.strictEqual((await store.sql.rows<{ n: number }>(`SELECT count(*)::int AS n FROM contacts`))[0].n, 0);
      } finally {
        await store.close();
      }
    });
  });

  it('leave a server that refuses the connection to the store: a warning, no failure', async () => {
    // a port nobody listens on: taken, then let go
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const log = recordingLogger();
    await migrateWhileNodesLoad(`postgres://postgres@127.0.0.1:${port}/nothing`, log);
    assert.strictEqual(log.warnings.length, 1);
    assert.match(log.warnings[0], /could not migrate the database before the flow starts \(the session-store tries again\): .*ECONNREFUSED/);
    assert.deepStrictEqual(log.lines, []);
  });
});
