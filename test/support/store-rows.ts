// Rows for the store's tables as the product writes them, for tests that call the store directly.
import type { ContactRow } from '../../src/store/contacts';
import type { OutgoingSend } from '../../src/store/messages';

/** The bot's text answers to a contact, as one send (a reply token's hash on the first, if given). */
export function botAnswer(contact: Pick<ContactRow, 'id' | 'line_user_id'>, texts: string[], replyTokenHash?: string): OutgoingSend {
  return {
    lineUserId: contact.line_user_id,
    messages: texts.map((text, i) => ({
      contact_id: contact.id,
      sender: 'BOT',
      operator_id: null,
      session_id: null,
      message_type: 'text',
      content: { type: 'text', text },
      retry_key: crypto.randomUUID(),
      ...(i === 0 && replyTokenHash ? { reply_token_hash: replyTokenHash } : {}),
    })),
  };
}
