// Issue 9: a message no longer writes into the contacts' search indexes. Every message moves its
// contact (its last message and activity: migration 0027's trigger), and that activity orders the
// inbox, so the update is never heap-only: each index of contacts took a new entry, the five GIN
// indexes of the search (names, LINE ids and details by trigram, 1- and 2-character grams,
// labels) among them. Those were 40% of the update's cost (PGlite: 145 µs a row with them, 82 µs
// without; two such updates an event, the user's message and the bot's answer). bench/ingest, 10
// events per POST, embedded: PGlite's time per event 0.85 → 0.58 ms.
//
// The searched columns are now copied into contact_search, one row per contact, kept by triggers
// on contacts: a new contact's row with it, the row changed when a searched column changes or the
// contact starts a conversation (talked: conv_activity_at set, which migration 0025's grams index
// was partial on). Those are rare; contacts stays the one the application writes. The searches
// read contact_search's indexes (src/store/contact-search.ts), then contacts by primary key.
import type { QueryInterface } from 'sequelize';

/** Migration 0025's grams of a name and details: contact_search's stored column; the down migration indexes it on contacts again. */
const SHORT_GRAMS = `(contact_short_grams(display_name) || contact_short_grams(details_search))`;

/** Every contact's search row, from contacts as they are (also the bench seeder's, whose inserts skip the triggers). */
export const FILL_CONTACT_SEARCH = `INSERT INTO contact_search (contact_id, talked, line_user_id, display_name, details_search, label_ids)
  SELECT id, conv_activity_at IS NOT NULL, line_user_id, display_name, details_search, label_ids FROM contacts`;

/**
 * The label index, and the trigram indexes of names, LINE ids and details where pg_trgm is
 * installed (0005, 0018), on `table`, named after it; then its statistics.
 */
const searchIndexes = (table: string) => `
CREATE INDEX ${table}_label_ids_idx ON ${table} USING gin (label_ids) WHERE label_ids IS NOT NULL;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX ${table}_display_name_trgm_idx ON ${table} USING gin (display_name gin_trgm_ops);
    CREATE INDEX ${table}_line_user_id_trgm_idx ON ${table} USING gin (line_user_id gin_trgm_ops);
    CREATE INDEX ${table}_details_search_trgm_idx ON ${table} USING gin (details_search gin_trgm_ops);
  END IF;
END $$;
ANALYZE ${table};`;

const up_ = `
CREATE TABLE contact_search (
  contact_id      INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
  talked          BOOLEAN NOT NULL,
  line_user_id    VARCHAR(64) NOT NULL,
  display_name    VARCHAR(255),
  details_search  TEXT,
  label_ids       INTEGER[],
  -- 0025's 1- and 2-character grams, computed once per change of the name or details, not for
  -- each row a search walks or rechecks.
  short_grams     TEXT[] GENERATED ALWAYS AS ${SHORT_GRAMS} STORED
);
${FILL_CONTACT_SEARCH};

CREATE FUNCTION contact_search_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO contact_search (contact_id, talked, line_user_id, display_name, details_search, label_ids)
    SELECT id, conv_activity_at IS NOT NULL, line_user_id, display_name, details_search, label_ids FROM added;
  RETURN NULL;
END $$;
CREATE TRIGGER contacts_search_added AFTER INSERT ON contacts
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION contact_search_add();

CREATE FUNCTION contact_search_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contact_search SET talked = NEW.conv_activity_at IS NOT NULL, line_user_id = NEW.line_user_id,
    display_name = NEW.display_name, details_search = NEW.details_search, label_ids = NEW.label_ids
  WHERE contact_id = NEW.id;
  RETURN NULL;
END $$;
-- The WHEN is checked for each updated contact without running the function: a message's update
-- changes none of these and costs nothing more.
CREATE TRIGGER contacts_search_changed AFTER UPDATE ON contacts FOR EACH ROW
  WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.details_search IS DISTINCT FROM NEW.details_search
    OR OLD.label_ids IS DISTINCT FROM NEW.label_ids OR OLD.line_user_id IS DISTINCT FROM NEW.line_user_id
    OR (OLD.conv_activity_at IS NULL) <> (NEW.conv_activity_at IS NULL))
  EXECUTE FUNCTION contact_search_change();

DROP STATISTICS contacts_short_grams_stats;
DROP INDEX contacts_short_grams_idx;
DROP INDEX contacts_label_ids_idx;
DROP INDEX IF EXISTS contacts_display_name_trgm_idx;
DROP INDEX IF EXISTS contacts_line_user_id_trgm_idx;
DROP INDEX IF EXISTS contacts_details_search_trgm_idx;
CREATE INDEX contact_search_short_grams_idx ON contact_search USING gin (short_grams) WHERE talked;
${searchIndexes('contact_search')}
`;

// The indexes on contacts, as 0005, 0018 and 0025 made them.
const down_ = `
DROP TRIGGER contacts_search_added ON contacts;
DROP TRIGGER contacts_search_changed ON contacts;
DROP TABLE contact_search;
DROP FUNCTION contact_search_add();
DROP FUNCTION contact_search_change();
CREATE INDEX contacts_short_grams_idx ON contacts USING gin (${SHORT_GRAMS}) WHERE conv_activity_at IS NOT NULL;
CREATE STATISTICS contacts_short_grams_stats ON (${SHORT_GRAMS}) FROM contacts;
${searchIndexes('contacts')}
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
