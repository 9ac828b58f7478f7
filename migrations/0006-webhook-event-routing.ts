// A stored webhook event is a job that any instance may process, also after a restart (the
// recovery pass): the row keeps which LINE credential (id or name; NULL: the default one) the
// receiving line-webhook node used, so its msgs go to the node(s) registered for that credential.
// The unprocessed rows the pass looks for are found through webhook_events_pending_idx (0001),
// partial on processed_at IS NULL, so the pass never scans the table.
//
// processed_at now means "claimed and recorded". Before this release every stored event was
// recorded in the transaction that stored it, and processed_at was set later, after the answer
// (never, when the process stopped first): such rows are recorded already, so they are marked
// here, or the recovery pass would emit their msgs again (the bot answering old messages).
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`
    ALTER TABLE webhook_events ADD COLUMN credential_ref TEXT;
    UPDATE webhook_events SET processed_at = received_at WHERE processed_at IS NULL;
  `);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`ALTER TABLE webhook_events DROP COLUMN credential_ref`);
}
