// Issue 9: a message no longer recomputes the short search's substrings. Migration 0007 indexed
// each contact's 1- and 2-character substrings by an expression, so every new version of a
// contact row (one per user message and one per answer: the conversation columns are indexed, so
// those updates are never HOT) called contact_search_grams again and wrote all its keys: about
// 0.4 ms of PostgreSQL CPU per version for a Thai name, most of an event's database cost. The
// substrings are now a stored column, computed by a trigger only when the name or details text
// changes, and indexed as a column; its element statistics tell the planner that "ก" is in many
// rows and "ธ" in few (what the extended statistics on the expression were for).
// The LINE user id is no longer among them: two thirds of the keys came from its 32 hex digits,
// and a search of one or two characters in hex matches nearly every contact; a LINE id is found
// from three characters on, by its trigram index.
import type { QueryInterface } from 'sequelize';

/** Fills search_grams of every contact; also used by the benchmark's seeder (which writes with triggers off). */
export const BACKFILL_SEARCH_GRAMS = `UPDATE contacts SET search_grams = contact_short_grams(display_name, details_search);`;

const up_ = `
ALTER TABLE contacts ADD COLUMN search_grams TEXT[];

CREATE FUNCTION contact_short_grams(display_name text, details text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT substr(s, i, n)
    FROM unnest(ARRAY[lower(display_name), lower(details)]) s, generate_series(1, 2) n, generate_series(1, char_length(s) - n + 1) i
    WHERE s IS NOT NULL)
$$;

CREATE FUNCTION contacts_set_search_grams() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_grams := contact_short_grams(NEW.display_name, NEW.details_search);
  RETURN NEW;
END $$;
CREATE TRIGGER contacts_search_grams_on_insert BEFORE INSERT ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_set_search_grams();
-- The WHEN test is evaluated without calling the function: an activity update passes it by.
CREATE TRIGGER contacts_search_grams_on_update BEFORE UPDATE ON contacts
  FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.details_search IS DISTINCT FROM NEW.details_search)
  EXECUTE FUNCTION contacts_set_search_grams();

${BACKFILL_SEARCH_GRAMS}

-- Only contacts in the list (the others never talked), so a count needs no row but the index's.
CREATE INDEX contacts_search_grams_column_idx ON contacts USING gin (search_grams) WHERE conv_activity_at IS NOT NULL;
-- 0018's extended statistics on the old expression (IF EXISTS: a schema restored without them).
DROP STATISTICS IF EXISTS contacts_search_grams_stats;
DROP INDEX contacts_search_grams_idx;
ANALYZE contacts;
`;

const down_ = `
CREATE INDEX contacts_search_grams_idx ON contacts USING gin (contact_search_grams(display_name, line_user_id, details_search))
  WHERE conv_activity_at IS NOT NULL;
CREATE STATISTICS contacts_search_grams_stats ON (contact_search_grams(display_name, line_user_id, details_search)) FROM contacts;
DROP INDEX contacts_search_grams_column_idx;
DROP TRIGGER contacts_search_grams_on_update ON contacts;
DROP TRIGGER contacts_search_grams_on_insert ON contacts;
DROP FUNCTION contacts_set_search_grams();
DROP FUNCTION contact_short_grams(text, text);
ALTER TABLE contacts DROP COLUMN search_grams;
ANALYZE contacts;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
