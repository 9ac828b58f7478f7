// Issue 12, CSAT: a chat's timeline shows its rating beside its messages, as entries of two new
// kinds: 'rated' (the score the user tapped, with the operator rated) and 'commented' (the text
// they added). The score is the entry's own column, the comment its text.
import type { QueryInterface } from 'sequelize';

const up_ = `
ALTER TABLE chat_timeline DROP CONSTRAINT chat_timeline_kind_check;
ALTER TABLE chat_timeline
  ADD CONSTRAINT chat_timeline_kind_check CHECK (kind IN ('note', 'claimed', 'reassigned', 'rated', 'commented')),
  ADD COLUMN score SMALLINT CHECK (score BETWEEN 1 AND 5);
`;

const down_ = `
DELETE FROM chat_timeline WHERE kind IN ('rated', 'commented');
ALTER TABLE chat_timeline DROP COLUMN score, DROP CONSTRAINT chat_timeline_kind_check;
ALTER TABLE chat_timeline ADD CONSTRAINT chat_timeline_kind_check CHECK (kind IN ('note', 'claimed', 'reassigned'));
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(up_);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(down_);
}
