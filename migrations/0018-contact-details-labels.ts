// Contact details and labels (issue 11). Admins define custom fields (name, type, order) and
// labels (name, colour); operators fill a contact's fields and note, and put labels on it. A
// chat is its contact's conversation, so a label on the chat is a label on the contact.
// - Field values live in contact_field_values (deleting a field deletes its values). The note
//   and every value are also kept, joined, in contacts.details_search, written by the store with
//   the values: the inbox search reads it through the same indexes as the name (pg_trgm where
//   available, and migration 0007's 1- and 2-character grams, redefined here to include it).
// - A contact's labels are an array on the contact (label_ids), GIN-indexed: the list's filter
//   by label is `label_ids @> ARRAY[id]`, answered from the index (a count reads no row) or by
//   walking the list's own index in order; a row shows its labels without a join.
import type { QueryInterface } from 'sequelize';

const up_ = `
CREATE TABLE contact_fields (
  id          SERIAL PRIMARY KEY,
  name        VARCHAR(100) NOT NULL,
  field_type  VARCHAR(16)  NOT NULL CHECK (field_type IN ('text', 'phone', 'email', 'number')),
  position    INTEGER      NOT NULL DEFAULT 0,
  created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contact_fields_name_key ON contact_fields (lower(name));
-- What a Thai shop's team asks for first; admins rename, reorder or delete them.
INSERT INTO contact_fields (name, field_type, position) VALUES
  ('เบอร์โทร', 'phone', 1), ('อีเมล', 'email', 2), ('เลขที่คำสั่งซื้อ', 'text', 3);

CREATE TABLE contact_field_values (
  contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  field_id    INTEGER NOT NULL REFERENCES contact_fields(id) ON DELETE CASCADE,
  value       TEXT    NOT NULL,
  PRIMARY KEY (contact_id, field_id)
);
-- Deleting a field finds the contacts whose search text it changes.
CREATE INDEX contact_field_values_field_idx ON contact_field_values (field_id, contact_id);

CREATE TABLE labels (
  id          SERIAL PRIMARY KEY,
  name        VARCHAR(50) NOT NULL,
  color       CHAR(7)     NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX labels_name_key ON labels (lower(name));

ALTER TABLE contacts
  ADD COLUMN note               TEXT,
  ADD COLUMN details_search     TEXT,
  ADD COLUMN details_updated_at TIMESTAMPTZ,
  ADD COLUMN details_updated_by INTEGER REFERENCES operators(id) ON DELETE SET NULL,
  ADD COLUMN label_ids          INTEGER[];
CREATE INDEX contacts_label_ids_idx ON contacts USING gin (label_ids) WHERE label_ids IS NOT NULL;

DROP STATISTICS contacts_search_grams_stats;
DROP INDEX contacts_search_grams_idx;
DROP FUNCTION contact_search_grams(text, text);
CREATE FUNCTION contact_search_grams(display_name text, line_user_id text, details text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT substr(s, i, n)
    FROM unnest(ARRAY[lower(display_name), lower(line_user_id), lower(details)]) s, generate_series(1, 2) n, generate_series(1, char_length(s) - n + 1) i
    WHERE s IS NOT NULL)
$$;
CREATE INDEX contacts_search_grams_idx ON contacts USING gin (contact_search_grams(display_name, line_user_id, details_search))
  WHERE conv_activity_at IS NOT NULL;
CREATE STATISTICS contacts_search_grams_stats ON (contact_search_grams(display_name, line_user_id, details_search)) FROM contacts;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX contacts_details_search_trgm_idx ON contacts USING gin (details_search gin_trgm_ops);
  END IF;
END $$;
ANALYZE contacts;
`;

const down_ = `
DROP INDEX IF EXISTS contacts_details_search_trgm_idx;
DROP STATISTICS contacts_search_grams_stats;
DROP INDEX contacts_search_grams_idx;
DROP FUNCTION contact_search_grams(text, text, text);
CREATE FUNCTION contact_search_grams(display_name text, line_user_id text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT substr(s, i, n)
    FROM unnest(ARRAY[lower(display_name), lower(line_user_id)]) s, generate_series(1, 2) n, generate_series(1, char_length(s) - n + 1) i
    WHERE s IS NOT NULL)
$$;
CREATE INDEX contacts_search_grams_idx ON contacts USING gin (contact_search_grams(display_name, line_user_id))
  WHERE conv_activity_at IS NOT NULL;
CREATE STATISTICS contacts_search_grams_stats ON (contact_search_grams(display_name, line_user_id)) FROM contacts;
DROP INDEX contacts_label_ids_idx;
ALTER TABLE contacts DROP COLUMN note, DROP COLUMN details_search, DROP COLUMN details_updated_at,
  DROP COLUMN details_updated_by, DROP COLUMN label_ids;
DROP TABLE labels;
DROP TABLE contact_field_values;
DROP TABLE contact_fields;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
