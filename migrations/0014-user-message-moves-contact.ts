// A user's message changes its contact once, not twice. The webhook's record set the contact's
// last_message_at in its upsert and then the message's insert (0005's trigger) set the
// conversation columns: two new versions of the row, neither of them HOT (both columns are
// indexed), each writing an entry in every index of contacts, the GIN search indexes among them
// (most of the cost: about 0.4 ms of PostgreSQL CPU per version). The trigger now moves
// last_message_at too, for a user's message, in the same update, and the record only locks the
// contact (ContactsTable.ensureMany).
import type { QueryInterface } from 'sequelize';

/** The per-row trigger function as this migration leaves it (0027 puts it back on its way down). */
export const USER_MESSAGE_MOVES_CONTACT = `
CREATE OR REPLACE FUNCTION contacts_track_last_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.direction = 'IN' THEN
    UPDATE contacts SET
      conv_last_message_id = CASE WHEN conv_last_message_at IS NULL OR (NEW.created_at, NEW.id) > (conv_last_message_at, conv_last_message_id)
        THEN NEW.id ELSE conv_last_message_id END,
      conv_last_message_at = CASE WHEN conv_last_message_at IS NULL OR (NEW.created_at, NEW.id) > (conv_last_message_at, conv_last_message_id)
        THEN NEW.created_at ELSE conv_last_message_at END,
      last_message_at = GREATEST(last_message_at, NEW.created_at),
      updated_at = now()
    WHERE id = NEW.contact_id
      AND (conv_last_message_at IS NULL OR (NEW.created_at, NEW.id) > (conv_last_message_at, conv_last_message_id)
           OR last_message_at IS NULL OR last_message_at < NEW.created_at);
  ELSE
    UPDATE contacts SET conv_last_message_id = NEW.id, conv_last_message_at = NEW.created_at
    WHERE id = NEW.contact_id
      AND (conv_last_message_at IS NULL OR (NEW.created_at, NEW.id) > (conv_last_message_at, conv_last_message_id));
  END IF;
  RETURN NULL;
END $$;
`;

const down_ = `
CREATE OR REPLACE FUNCTION contacts_track_last_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE contacts SET conv_last_message_id = NEW.id, conv_last_message_at = NEW.created_at
  WHERE id = NEW.contact_id
    AND (conv_last_message_at IS NULL OR (NEW.created_at, NEW.id) > (conv_last_message_at, conv_last_message_id));
  RETURN NULL;
END $$;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(USER_MESSAGE_MOVES_CONTACT);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
