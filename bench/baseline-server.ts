// The hand-written baseline the ingest benchmark compares the product with: express 4, the LINE
// SDK's own `middleware` (signature check and JSON parse) and a `pg` pool. Per event, in one
// transaction: de-duplicate by webhookEventId (unique index), upsert the contact, insert the
// message; then 200. It does nothing after the answer (no bot reply, no profile, no inbox).
//
// Run alone: `node dist/bench/baseline-server.js` with DATABASE_URL, CHANNEL_SECRET and PORT (0 =
// any); it prints `ready on http://127.0.0.1:<port>`. Its tables are its own (baseline_*).
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { middleware, type webhook } from '@line/bot-sdk';
import express from 'express';
import { Pool } from 'pg';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS baseline_webhook_events (webhook_event_id text PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS baseline_contacts (id bigserial PRIMARY KEY, line_user_id text NOT NULL UNIQUE, last_message_at timestamptz);
CREATE TABLE IF NOT EXISTS baseline_messages (id bigserial PRIMARY KEY, contact_id bigint NOT NULL REFERENCES baseline_contacts(id),
  line_message_id text, message_type text NOT NULL, content jsonb NOT NULL, created_at timestamptz NOT NULL);
`;

export interface BaselineServer {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startBaseline(databaseUrl: string, channelSecret: string, port = 0): Promise<BaselineServer> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(SCHEMA);
  const app = express();
  app.post('/line/webhook', middleware({ channelSecret }), (req, res, next) => {
    const body = req.body as webhook.CallbackRequest;
    (async () => {
      for (const event of body.events) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const fresh = await client.query('INSERT INTO baseline_webhook_events (webhook_event_id) VALUES ($1) ON CONFLICT DO NOTHING', [event.webhookEventId]);
          const userId = event.source?.type === 'user' ? event.source.userId : undefined;
          if (fresh.rowCount === 1 && userId) {
            const at = new Date(event.timestamp);
            const contact = await client.query<{ id: string }>(
              `INSERT INTO baseline_contacts (line_user_id, last_message_at) VALUES ($1, $2)
               ON CONFLICT (line_user_id) DO UPDATE SET last_message_at = EXCLUDED.last_message_at RETURNING id`,
              [userId, at],
            );
            if (event.type === 'message') {
              await client.query('INSERT INTO baseline_messages (contact_id, line_message_id, message_type, content, created_at) VALUES ($1, $2, $3, $4, $5)', [
                contact.rows[0].id,
                event.message.id,
                event.message.type,
                event.message,
                at,
              ]);
            }
          }
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      }
      res.status(200).json({});
    })().catch(next);
  });
  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

if (require.main === module) {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/llc_bench';
  startBaseline(url, process.env.CHANNEL_SECRET ?? '', Number(process.env.PORT ?? 0)).then(
    (server) => {
      console.log(`ready on ${server.baseUrl}`);
      process.once('SIGTERM', () => server.close().then(() => process.exit(0)));
    },
    (err: Error) => {
      console.error(err.stack);
      process.exit(1);
    },
  );
}
