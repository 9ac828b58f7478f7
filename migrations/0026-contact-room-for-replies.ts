// Issue 9: a bot's answer changes its contact without a new entry in each of its 13 indexes.
// An answer is stored at the time of the message it answers (LineSender's eventTimestamp), so
// its insert's trigger (0014) moves only conv_last_message_id, which no index holds: the new
// version of the row can be a heap-only tuple (HOT), if the row's page has room for it. With
// every page filled (the default), a third of those updates found none and wrote an entry in
// every index, the GIN search indexes among them. Each page now keeps 30% free for them; rows
// already stored get the room as they move to new pages.
import type { QueryInterface } from 'sequelize';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`ALTER TABLE contacts SET (fillfactor = 70)`);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(`ALTER TABLE contacts RESET (fillfactor)`);
}
