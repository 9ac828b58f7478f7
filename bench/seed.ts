// The inbox at an Official Account's size, seeded with set-based SQL: `contacts` contacts, two
// sessions and ten messages each (100,000 / 200,000 / 1,000,000 at full size). Most contacts are
// BOT with old closed sessions; 1% have an open session (half WAITING, half ACTIVE with an
// operator), recent; names in Thai and English; activity spread over 90 days. Replaces the
// contacts, sessions, messages and reads already there; keeps operators, settings and credentials.
import path from 'node:path';
import { type Database, openDatabase } from '../src/db/database';
import { BACKFILL_CONVERSATION_COLUMNS } from '../migrations/0005-conversation-list';
import { FILL_CONTACT_SEARCH } from '../migrations/0032-contact-search-apart';
import type { BenchContext, BenchDatabase } from './types';

export interface SeedSize {
  contacts: number;
}

export const THAI_NAMES = ['สมชาย', 'สมหญิง', 'มาลี', 'วิชัย', 'สุดา', 'อรุณ', 'นภา', 'กิตติ', 'ปิยะ', 'จันทร์เพ็ญ', 'ธนพล', 'ศิริพร'];
export const THAI_SURNAMES = ['ใจดี', 'รักไทย', 'แสงทอง', 'มั่นคง', 'ศรีสุข', 'บุญมา', 'วงศ์ใหญ่'];
const ENGLISH_NAMES = ['John', 'Emma', 'Liam', 'Olivia', 'Noah', 'Ava', 'Lucas', 'Mia', 'Ethan', 'Sophia', 'Mason', 'Chloe'];
const ENGLISH_SURNAMES = ['Smith', 'Brown', 'Taylor', 'Wilson', 'Clark', 'Walker', 'Young'];
const TEXTS = ['สวัสดีครับ', 'สอบถามราคาหน่อยค่ะ', 'ขอบคุณครับ', 'Hello, is this shop open today?', 'ส่งของวันไหนคะ', 'OK thanks'];

const sqlArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;

/**
 * The database a seeding benchmark works on: the server's scratch database, or an embedded one
 * named `name` in the work folder (kept between runs, so that its seed is made once).
 */
export function openBenchDatabase(ctx: BenchContext, database: BenchDatabase, name: string): Promise<Database> {
  return database === 'postgres' ? openDatabase({ url: ctx.postgresUrl }) : openDatabase({ embeddedDir: path.join(ctx.workDir, name) });
}

/** Whether the database already holds exactly this seed (the benchmark then reuses it). */
export async function isSeeded(db: Database, size: SeedSize): Promise<boolean> {
  const row = await db.sql.row<{ contacts: number; messages: number }>(
    `SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM messages)::int AS messages`,
  );
  return row!.contacts === size.contacts && row!.messages === size.contacts * 10;
}

export async function seedInbox(db: Database, size: SeedSize, log: (line: string) => void = () => undefined): Promise<void> {
  const n = size.contacts;
  const started = Date.now();
  await db.sql.exec(`TRUNCATE contacts, chat_sessions, messages, conversation_reads, friend_events, webhook_events RESTART IDENTITY CASCADE`);
  await db.sql.transaction(async (tx) => {
    // The conversation columns are filled once at the end by the migration's own backfill, not by
    // the triggers row by row; foreign keys hold by construction.
    await tx.exec(`SET LOCAL session_replication_role = replica`);
    // last_message_at: the contact's latest activity, which the sessions and messages follow.
    await tx.exec(
      `INSERT INTO contacts (line_user_id, display_name, picture_url, chat_mode, friend_status, friend_since, last_message_at, created_at, updated_at)
       SELECT 'U' || md5('seed' || i), name, 'https://profile.line-scdn.net/seed' || i,
         CASE WHEN i % 100 = 0 THEN 'HUMAN' ELSE 'BOT' END,
         CASE WHEN i % 20 = 0 THEN 'BLOCKED' ELSE 'ACTIVE' END,
         now() - interval '200 days', activity, now() - interval '200 days', activity
       FROM (SELECT i,
               CASE WHEN i % 2 = 0
                 THEN (${sqlArray(THAI_NAMES)})[1 + i % ${THAI_NAMES.length}] || ' ' || (${sqlArray(THAI_SURNAMES)})[1 + (i / 7) % ${THAI_SURNAMES.length}]
                 ELSE (${sqlArray(ENGLISH_NAMES)})[1 + i % ${ENGLISH_NAMES.length}] || ' ' || (${sqlArray(ENGLISH_SURNAMES)})[1 + (i / 7) % ${ENGLISH_SURNAMES.length}] || ' ' || i
               END AS name,
               CASE WHEN i % 100 = 0 THEN now() - random() * interval '2 hours' ELSE now() - random() * interval '90 days' END AS activity
             FROM generate_series(1, $1::int) i) g`,
      [n],
    );
    const operators = await tx.rows<{ id: number }>(`SELECT id FROM operators ORDER BY id`);
    const operatorIds = operators.length ? `ARRAY[${operators.map((o) => o.id).join(',')}]::int[]` : 'ARRAY[NULL]::int[]';
    // Round 1: an old closed session per contact; round 2: the latest, open for 1% of contacts.
    await tx.exec(
      `INSERT INTO chat_sessions (contact_id, line_user_id, operator_id, status, started_at, claimed_at, closed_at, first_response_at, message_count, closed_by)
       SELECT c.id, c.line_user_id, op, 'CLOSED', c.last_message_at - interval '40 days', c.last_message_at - interval '40 days' + interval '2 minutes',
         c.last_message_at - interval '39 days', c.last_message_at - interval '40 days' + interval '3 minutes', 4, 'OPERATOR'
       FROM contacts c, LATERAL (SELECT (${operatorIds})[1 + c.id % ${Math.max(operators.length, 1)}] AS op) o ORDER BY c.id`,
    );
    await tx.exec(
      `INSERT INTO chat_sessions (contact_id, line_user_id, operator_id, status, started_at, claimed_at, closed_at, first_response_at, message_count, closed_by)
       SELECT c.id, c.line_user_id, CASE WHEN st = 'WAITING' THEN NULL ELSE op END, st, c.last_message_at - interval '10 minutes',
         CASE WHEN st = 'WAITING' THEN NULL ELSE c.last_message_at - interval '8 minutes' END,
         CASE WHEN st = 'CLOSED' THEN c.last_message_at + interval '1 minute' END,
         CASE WHEN st = 'WAITING' THEN NULL ELSE c.last_message_at - interval '7 minutes' END, 3,
         CASE WHEN st = 'CLOSED' THEN 'SYSTEM' END
       FROM contacts c,
         LATERAL (SELECT CASE WHEN c.id % 200 = 0 THEN 'WAITING' WHEN c.id % 100 = 0 THEN 'ACTIVE' ELSE 'CLOSED' END AS st,
                         (${operatorIds})[1 + c.id % ${Math.max(operators.length, 1)}] AS op) s
       ORDER BY c.id`,
    );
    // Ten messages per contact, the newest at its activity; the user's, the bot's answers, and
    // in the sessions the operator's.
    await tx.exec(
      `INSERT INTO messages (contact_id, session_id, direction, sender, operator_id, message_type, content, line_message_id, delivery_status, created_at)
       SELECT c.id, CASE WHEN k <= 3 THEN c.id + ${n} END,
         CASE WHEN k % 2 = 1 THEN 'IN' ELSE 'OUT' END,
         CASE WHEN k % 2 = 1 THEN 'USER' WHEN k <= 3 AND c.id % 100 = 0 THEN 'OPERATOR' ELSE 'BOT' END,
         CASE WHEN k % 2 = 0 AND k <= 3 AND c.id % 100 = 0 AND c.id % 200 <> 0 THEN (${operatorIds})[1 + c.id % ${Math.max(operators.length, 1)}] END,
         'text', jsonb_build_object('type', 'text', 'text', (${sqlArray(TEXTS)})[1 + (c.id + k) % ${TEXTS.length}]),
         CASE WHEN k % 2 = 1 THEN 'seed' || c.id || '-' || k END,
         CASE WHEN k % 2 = 1 THEN 'RECEIVED' ELSE 'SENT' END,
         c.last_message_at - (k - 1) * interval '3 minutes' - CASE WHEN k > 3 THEN interval '45 days' ELSE interval '0' END
       FROM contacts c, generate_series(1, 10) k
       ORDER BY c.last_message_at - (k - 1) * interval '3 minutes' - CASE WHEN k > 3 THEN interval '45 days' ELSE interval '0' END`,
    );
    // The first operator has read a third of the conversations up to their newest message.
    if (operators.length) {
      await tx.exec(
        `INSERT INTO conversation_reads (operator_id, contact_id, last_read_message_id, read_at)
         SELECT $1::int, contact_id, max(id), now() FROM messages WHERE direction = 'IN' AND contact_id % 3 = 0 GROUP BY contact_id`,
        [operators[0].id],
      );
    }
    await tx.exec(BACKFILL_CONVERSATION_COLUMNS);
    await tx.exec(FILL_CONTACT_SEARCH);
  });
  await db.sql.exec(`VACUUM ANALYZE contacts, contact_search, chat_sessions, messages, conversation_reads`);
  log(`seeded ${n} contacts, ${2 * n} sessions, ${10 * n} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
