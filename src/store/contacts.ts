// SQL for the contacts table: the LINE users who talk to the Official Account (1:1 chats).
import { prepared, type Queryable } from '../db/sql';
import { pgIntArray, pgTextArray } from './pg-arrays';
import { contactSearch, searchedContacts } from './contact-search';

export type ChatMode = 'BOT' | 'HUMAN';
export type FriendStatus = 'ACTIVE' | 'BLOCKED' | 'UNFOLLOWED';
export const FRIEND_STATUSES: readonly FriendStatus[] = ['ACTIVE', 'BLOCKED', 'UNFOLLOWED'];

export interface ContactRow {
  id: number;
  line_user_id: string;
  display_name: string | null;
  picture_url: string | null;
  status_message: string | null;
  language: string | null;
  chat_mode: ChatMode;
  friend_status: FriendStatus;
  friend_since: Date | null;
  last_message_at: Date | null;
  profile_fetched_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** The operators' note (migration 0018). */
  note: string | null;
  /** The note and the custom fields' values, joined: what the inbox search reads (migration 0018). */
  details_search: string | null;
  details_updated_at: Date | null;
  details_updated_by: number | null;
  /** The contact's (and so its chat's) labels; null when none. */
  label_ids: number[] | null;
}

export interface ContactProfile {
  display_name: string | null;
  picture_url: string | null;
  status_message: string | null;
  language: string | null;
}

export interface FriendListQuery {
  status?: FriendStatus;
  /** Part of the display name or LINE user id. */
  q?: string;
  limit: number;
  /** Keyset: contacts with an id below this one. */
  beforeId?: number;
}

/**
 * Every column of contacts, in the table's order: what prepared statements answer, since they may
 * not answer `*` (sql.ts, prepared()). A test holds it to the migrated table.
 */
export const CONTACT_COLUMNS = `id, line_user_id, display_name, picture_url, status_message, language, chat_mode, friend_status,
  friend_since, last_message_at, profile_fetched_at, created_at, updated_at, conv_last_message_id, conv_last_message_at,
  conv_session_id, conv_session_started_at, conv_activity_at, note, details_search, details_updated_at, details_updated_by,
  label_ids`;

/** CONTACT_COLUMNS, each `alias.column` when an alias is given. */
function contactColumns(alias?: string): string {
  return alias
    ? CONTACT_COLUMNS.split(/,\s*/)
        .map((c) => `${alias}.${c}`)
        .join(', ')
    : CONTACT_COLUMNS;
}

/**
 * The existing contacts of the LINE ids in $1 (sorted: the store's lock order; a nested loop
 * takes them in the array's order), each locked FOR NO KEY UPDATE, with created = false. One
 * unique-index lookup per user (LIMIT 1 keeps each a lookup of its own rather than a join the
 * planner may turn into a scan): as "line_user_id = ANY($1)" the planner took the trigram index
 * for a dozen users or more, and a GIN scan reads the index's whole pending list of recent
 * entries, 90–800 ms a statement under ingest, against well under 1 ms here.
 */
const KNOWN_CONTACTS_TEXT = `SELECT ${contactColumns('c')}, false AS created FROM unnest($1::text[]) AS u(line_user_id)
  CROSS JOIN LATERAL (SELECT ${contactColumns()} FROM contacts WHERE line_user_id = u.line_user_id LIMIT 1 FOR NO KEY UPDATE) c`;
const KNOWN_CONTACTS = prepared(KNOWN_CONTACTS_TEXT);
/** A webhook batch's contacts: the new ones inserted, the known ones locked and read (ensureMany). */
const ENSURE_CONTACTS = prepared(
  `WITH inserted AS (
     INSERT INTO contacts (line_user_id)
     SELECT u.line_user_id FROM unnest($1::text[]) AS u(line_user_id)
     ORDER BY u.line_user_id
     ON CONFLICT (line_user_id) DO NOTHING
     RETURNING ${contactColumns()}
   )
   SELECT ${contactColumns('inserted')}, true AS created FROM inserted
   UNION ALL
   ${KNOWN_CONTACTS_TEXT}`,
);

export class ContactsTable {
  constructor(private readonly q: Queryable) {}

  byId(id: number): Promise<ContactRow | undefined> {
    return this.q.row<ContactRow>(`SELECT * FROM contacts WHERE id = $1`, [id]);
  }

  byLineUserId(lineUserId: string): Promise<ContactRow | undefined> {
    return this.q.row<ContactRow>(`SELECT * FROM contacts WHERE line_user_id = $1`, [lineUserId]);
  }

  /**
   * The contact of `lineUserId`, created on first sight; `created` tells which. A user's message
   * moves last_message_at when it is stored (its insert's trigger, migration 0014), not here.
   */
  async ensure(lineUserId: string): Promise<{ contact: ContactRow; created: boolean }> {
    // The no-op update makes RETURNING answer (and lock) the existing row too; xmax = 0 marks a fresh insert.
    const row = (await this.q.row<ContactRow & { created: boolean }>(
      `INSERT INTO contacts (line_user_id) VALUES ($1)
       ON CONFLICT (line_user_id) DO UPDATE SET line_user_id = EXCLUDED.line_user_id
       RETURNING *, (xmax = 0) AS created`,
      [lineUserId],
    ))!;
    const { created, ...contact } = row;
    return { contact, created };
  }

  /**
   * ensure() for many users, locking their contacts (FOR NO KEY UPDATE, in line_user_id order)
   * for the rest of the transaction without writing a new version of any: an update of a contact
   * writes an entry in each of its indexes, the GIN search indexes among them. Answers each
   * user's contact, with `created` for those seen for the first time.
   */
  async ensureMany(lineUserIds: string[]): Promise<Map<string, { contact: ContactRow; created: boolean }>> {
    if (lineUserIds.length === 0) return new Map();
    const wanted = [...new Set(lineUserIds)].sort();
    // One statement, one round trip per webhook batch: the new contacts inserted (RETURNING
    // answers them; the insert is read first, so it runs first), then the known ones locked and
    // read. The locking read answers a row's latest version, but sees only rows in the
    // statement's snapshot: a contact another transaction committed after it was taken is
    // missing from both parts, and is read again below with a snapshot of its own.
    const rows = await this.q.rows<ContactRow & { created: boolean }>(ENSURE_CONTACTS, [pgTextArray(wanted)]);
    const found = new Map<string, { contact: ContactRow; created: boolean }>();
    for (const { created, ...contact } of rows) found.set(contact.line_user_id, { contact, created });
    const missed = wanted.filter((id) => !found.has(id));
    if (missed.length > 0) {
      for (const { created, ...contact } of await this.q.rows<ContactRow & { created: boolean }>(KNOWN_CONTACTS, [pgTextArray(missed)])) {
        found.set(contact.line_user_id, { contact, created });
      }
    }
    return found;
  }

  /** Records a follow (status ACTIVE, friend since `at`) or an unfollow. */
  setFriendStatus(id: number, status: FriendStatus, friendSince: Date | null | undefined): Promise<ContactRow | undefined> {
    return this.q.row<ContactRow>(
      `UPDATE contacts SET friend_status = $2,
         friend_since = CASE WHEN $3::boolean THEN $4::timestamptz ELSE friend_since END,
         updated_at = now()
       WHERE id = $1 RETURNING *`,
      [id, status, friendSince !== undefined, friendSince ?? null],
    );
  }

  /**
   * Locks the contact's row for the rest of the transaction (the first lock of the store's lock
   * order, see store.ts). FOR NO KEY UPDATE: it waits for, and holds off, other changes to the
   * contact, but not the inserts of messages or sessions that only reference it.
   */
  async lock(id: number): Promise<void> {
    await this.q.exec(`SELECT 1 FROM contacts WHERE id = $1 FOR NO KEY UPDATE`, [id]);
  }

  setChatMode(id: number, mode: ChatMode): Promise<ContactRow | undefined> {
    return this.q.row<ContactRow>(`UPDATE contacts SET chat_mode = $2, updated_at = now() WHERE id = $1 RETURNING *`, [id, mode]);
  }

  async setProfile(id: number, profile: ContactProfile): Promise<ContactRow | undefined> {
    return (await this.setProfiles([{ id, profile }]))[0];
  }

  /**
   * Records fetched profiles, several contacts in one statement (their rows locked in
   * line_user_id order, the store's lock order); answers each one's row, in the order given
   * (undefined: no such contact any more).
   */
  async setProfiles(updates: { id: number; profile: ContactProfile }[]): Promise<(ContactRow | undefined)[]> {
    if (updates.length === 0) return [];
    const rows = await this.q.rows<ContactRow>(
      `WITH u AS (
         SELECT DISTINCT ON (id) * FROM jsonb_to_recordset($1::jsonb)
           AS u(id int, display_name text, picture_url text, status_message text, language text)
       ), locked AS (
         SELECT c.id FROM contacts c WHERE c.id IN (SELECT id FROM u) ORDER BY c.line_user_id FOR NO KEY UPDATE
       )
       UPDATE contacts AS c SET display_name = u.display_name, picture_url = u.picture_url,
         status_message = u.status_message, language = u.language,
         profile_fetched_at = now(), updated_at = now()
       FROM u WHERE c.id = u.id AND c.id IN (SELECT id FROM locked)
       RETURNING c.*`,
      [updates.map(({ id, profile }) => ({ id, ...profile }))],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return updates.map(({ id }) => byId.get(id));
  }

  /** Newest contacts first, `limit` of them, by keyset on id. */
  listFriends(query: FriendListQuery): Promise<ContactRow[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.status) {
      params.push(query.status);
      where.push(`friend_status = $${params.length}`);
    }
    if (query.q) {
      params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(searchedContacts([contactSearch.nameOrLineIdLike(params.length)]));
    }
    if (query.beforeId !== undefined) {
      params.push(query.beforeId);
      where.push(`id < $${params.length}`);
    }
    params.push(query.limit);
    return this.q.rows<ContactRow>(
      `SELECT * FROM contacts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Notes who changed the contact's details when, and sets the note (null clears it; undefined keeps it). */
  detailsChanged(id: number, operatorId: number, note?: string | null): Promise<ContactRow | undefined> {
    return this.q.row<ContactRow>(
      `UPDATE contacts SET note = CASE WHEN $4::boolean THEN $2 ELSE note END,
         details_updated_at = now(), details_updated_by = $3, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [id, note ?? null, operatorId, note !== undefined],
    );
  }

  /** Rewrites the search text of these contacts from their note and field values (after either changed). */
  async refreshDetailsSearch(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.q.exec(
      `UPDATE contacts c SET details_search = NULLIF(concat_ws(E'\n', c.note,
         (SELECT string_agg(v.value, E'\n' ORDER BY v.field_id) FROM contact_field_values v WHERE v.contact_id = c.id)), '')
       WHERE c.id = ANY($1::int[])`,
      [pgIntArray(ids)],
    );
  }

  /** Puts a label on the contact (again: nothing changes); answers the row when it changed. */
  addLabel(id: number, labelId: number): Promise<ContactRow | undefined> {
    return this.q.row<ContactRow>(
      `UPDATE contacts SET label_ids = array_append(COALESCE(label_ids, '{}'), $2::int), updated_at = now()
       WHERE id = $1 AND NOT COALESCE(label_ids @> ARRAY[$2::int], false) RETURNING *`,
      [id, labelId],
    );
  }

  /** Takes a label off the contact; answers the row when it changed. */
  removeLabel(id: number, labelId: number): Promise<ContactRow | undefined> {
    return this.q.row<ContactRow>(
      `UPDATE contacts SET label_ids = NULLIF(array_remove(label_ids, $2::int), '{}'), updated_at = now()
       WHERE id = $1 AND label_ids @> ARRAY[$2::int] RETURNING *`,
      [id, labelId],
    );
  }

  /** Takes a deleted label off every contact that has it (found by the label index); answers how many. */
  dropLabel(labelId: number): Promise<number> {
    return this.q.exec(
      `UPDATE contacts SET label_ids = NULLIF(array_remove(label_ids, $1::int), '{}')
       WHERE ${searchedContacts([contactSearch.labelled(1)])}`,
      [labelId],
    );
  }
}
