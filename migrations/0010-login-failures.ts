// Failed logins, counted in the database so that every instance on it sees the same count and a
// restart forgets nothing: one row per throttle key (an address, or a username from an address).
// Rows whose last failure is older than the throttle's window are pruned by that index.
// Tokens also say what they open: the inbox's API, or the Node-RED editor (shorter-lived, and
// checked against the operator table at every editor request), so one never serves as the other.
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`
    CREATE TABLE login_failures (
      key            TEXT        PRIMARY KEY,
      failures       INTEGER     NOT NULL,
      last_failed_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX login_failures_last_failed_idx ON login_failures (last_failed_at);
    ALTER TABLE auth_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'inbox' CHECK (scope IN ('inbox', 'editor'));
  `);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`ALTER TABLE auth_tokens DROP COLUMN scope; DROP TABLE login_failures;`);
}
