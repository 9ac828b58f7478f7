// Inbox search of one or two characters (a Thai name is often looked up by its first letter or
// two) served by an index: pg_trgm's indexes need three characters, so a search as short as this
// scanned every contact. Each contact's display name and LINE user id are indexed by all their
// lower-cased substrings of one and two characters. ILIKE '%q%' compares lower() of both sides,
// so for a q of one or two characters "lower(q) is one of them" is the same test: the results
// stay exactly what ILIKE gives. (Repeats are left in the array: GIN keeps a key once per row.)
// The cost: every update of a contact that is not HOT (the conversation columns of 0005 are
// indexed, so a message's update of its contact is not) also writes this index's entries.
import type { QueryInterface } from 'sequelize';

const up_ = `
CREATE FUNCTION contact_search_grams(display_name text, line_user_id text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT substr(s, i, n)
    FROM unnest(ARRAY[lower(display_name), lower(line_user_id)]) s, generate_series(1, 2) n, generate_series(1, char_length(s) - n + 1) i
    WHERE s IS NOT NULL)
$$;
-- Only contacts in the list (the others never talked), so a count needs no row but the index's.
CREATE INDEX contacts_search_grams_idx ON contacts USING gin (contact_search_grams(display_name, line_user_id))
  WHERE conv_activity_at IS NOT NULL;
-- How common each substring is ("e" is in nearly every LINE user id, "ธ" in few names): the
-- planner ignores a partial index's statistics, and without these it would sort every match of
-- a common one rather than walk the list in order.
CREATE STATISTICS contacts_search_grams_stats ON (contact_search_grams(display_name, line_user_id)) FROM contacts;
ANALYZE contacts;
`;

const down_ = `
DROP STATISTICS contacts_search_grams_stats;
DROP INDEX contacts_search_grams_idx;
DROP FUNCTION contact_search_grams(text, text);
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
