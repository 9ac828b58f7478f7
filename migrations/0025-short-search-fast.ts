// Issue 9: the short search's index costs a message much less. Migration 0007 indexed each
// contact's 1- and 2-character substrings by contact_search_grams, a SQL function with a
// subquery that PostgreSQL cannot inline: every new version of a contact row (one per user
// message and one per answer; the conversation columns are indexed, so those updates are never
// HOT) ran it through the SQL-function executor, about 0.2 ms of PostgreSQL CPU for a Thai name,
// a sixth of an event's database cost. The substrings now come from one expression of built-in
// functions, inlined into the index (1-grams by splitting, 2-grams by pairing the characters
// from the first and from the second): a third of the cost. The LINE user id is no longer among
// them: its 32 hex digits were half of all keys and of the work, and one or two hex digits are in
// nearly every id anyway; a LINE id is found from three characters on, by its trigram index.
// The 2-grams are separated by \x01, which no name or detail holds; the leftovers ('' and single
// characters, already among the 1-grams) match no search.
import type { QueryInterface } from 'sequelize';

/** The indexed expression; ConversationsView writes the same, so that the planner matches them. */
const SHORT_GRAMS = `(contact_short_grams(display_name) || contact_short_grams(details_search))`;

const up_ = `
CREATE FUNCTION contact_short_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_split_to_array(lower(t), '')
    || regexp_split_to_array(regexp_replace(lower(t), '(..)', E'\\\\1\\x01', 'g'), E'\\x01')
    || regexp_split_to_array(regexp_replace(substr(lower(t), 2), '(..)', E'\\\\1\\x01', 'g'), E'\\x01')
$$;
DROP STATISTICS IF EXISTS contacts_search_grams_stats;
DROP INDEX contacts_search_grams_idx;
CREATE INDEX contacts_short_grams_idx ON contacts USING gin (${SHORT_GRAMS}) WHERE conv_activity_at IS NOT NULL;
-- How common each substring is (the planner ignores a partial index's statistics; see 0007).
CREATE STATISTICS contacts_short_grams_stats ON (${SHORT_GRAMS}) FROM contacts;
ANALYZE contacts;
`;

const down_ = `
DROP STATISTICS contacts_short_grams_stats;
DROP INDEX contacts_short_grams_idx;
DROP FUNCTION contact_short_grams(text);
CREATE INDEX contacts_search_grams_idx ON contacts USING gin (contact_search_grams(display_name, line_user_id, details_search))
  WHERE conv_activity_at IS NOT NULL;
CREATE STATISTICS contacts_search_grams_stats ON (contact_search_grams(display_name, line_user_id, details_search)) FROM contacts;
ANALYZE contacts;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
