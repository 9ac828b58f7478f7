// /admin/live-chat: the inbox's conversations and the operator's actions on them (seed §4.3).
// Every logged-in operator may use them; who may act in a held chat is the core's rule.
import type express from 'express';
import type { LiveChat } from '../../live-chat';
import { CONVERSATION_FILTERS, type ConversationFilter } from '../../store/conversations';
import { MAX_TEXT_LENGTH, type OutgoingContent, type SendResult } from '../../line/line-sender';
import { conversationJson, messageJson, sessionJson } from '../../live-chat/conversation-json';
import type { SessionActionResult } from '../../live-chat/chat-sessions';
import type { OperatorView } from '../../auth/operators';
import { noteText, timelineJson, timelineOperatorIds } from '../../live-chat/chat-timeline';
import { Router } from '../router';
import { readSettings } from '../../live-chat/live-chat-settings';
import { badRequest } from '../errors';
import { asBody, idParam, limitParam, oneOf, queryString } from '../validation';

const optionalId = (raw: string | undefined, field: string) => (raw === undefined ? undefined : idParam(raw, field));

const CONVERSATIONS_PAGE = 50;
const MESSAGES_PAGE = 50;
const MAX_PAGE = 200;
const SEARCH_PAGE = 20;
/** Trigrams need three characters (migration 0019); a longer q is a sentence, not a search. */
const MIN_MESSAGE_SEARCH = 3;
const MAX_MESSAGE_SEARCH = 100;

export function liveChatRoutes(app: LiveChat): express.Router {
  const router = Router();
  const base = '/admin/live-chat/conversations';

  router.get(base, async (req, res) => {
    const status = queryString(req.query.status, 'status') ?? 'ALL';
    // Read before the page: the inbox reads its list again if updates went out after this.
    const liveMark = app.realtime.liveMark();
    res.json({
      ...(await app.conversations.list(
        {
          filter: oneOf<ConversationFilter>(status, CONVERSATION_FILTERS, 'status'),
          q: queryString(req.query.q, 'q')?.slice(0, 100),
          labelId: optionalId(queryString(req.query.label, 'label'), 'label'),
          limit: limitParam(req.query.limit, CONVERSATIONS_PAGE, MAX_PAGE),
          cursor: queryString(req.query.cursor, 'cursor'),
        },
        req.operator!,
      )),
      live_mark: liveMark,
    });
  });

  router.get(`${base}/:line_user_id`, async (req, res) => {
    const cursor = queryString(req.query.cursor, 'cursor');
    const after = queryString(req.query.after, 'after');
    const around = queryString(req.query.around, 'around');
    if ([cursor, after, around].filter((v) => v !== undefined).length > 1) throw badRequest('Give at most one of cursor, after and around', 'around');
    const liveMark = app.realtime.liveMark();
    res.json({
      ...(await app.conversations.detail(req.params.line_user_id, req.operator!, {
        limit: limitParam(req.query.limit, MESSAGES_PAGE, MAX_PAGE),
        before: cursor === undefined ? undefined : idParam(cursor, 'cursor'),
        after: after === undefined ? undefined : idParam(after, 'after'),
        around: around === undefined ? undefined : idParam(around, 'around'),
      })),
      live_mark: liveMark,
    });
  });

  router.post(`${base}/:line_user_id/messages`, async (req, res) => {
    const result = await app.operatorMessages.send(req.params.line_user_id, req.operator!, outgoing(req.body));
    await sendResult(app, res, result);
  });

  router.post(`${base}/:line_user_id/messages/:id/retry`, async (req, res) => {
    const result = await app.operatorMessages.retry(req.params.line_user_id, idParam(req.params.id), req.operator!);
    await sendResult(app, res, result);
  });

  // Issue 12: the operator is typing, so the user sees LINE's loading animation. 204 whatever
  // LINE answers (a failure is only logged); 403/409 when the operator may not answer this chat.
  router.post(`${base}/:line_user_id/typing`, async (req, res) => {
    await app.typing.typing(req.params.line_user_id, req.operator!);
    res.status(204).end();
  });

  router.post(`${base}/:line_user_id/claim`, async (req, res) => {
    res.json(await actionJson(app, await app.sessions.claim(req.params.line_user_id, req.operator!), req.operator!));
  });

  router.post(`${base}/:line_user_id/close`, async (req, res) => {
    // express.json gives {} for a request without a body: close needs none.
    const body = asBody(req.body ?? {});
    const message = body.message;
    if (message !== undefined && (typeof message !== 'string' || message.length > MAX_TEXT_LENGTH)) {
      throw badRequest(`message must be a text of at most ${MAX_TEXT_LENGTH} characters ('' sends none)`, 'message');
    }
    const result = await app.sessions.close(req.params.line_user_id, req.operator!, { message: message as string | undefined });
    res.json(await actionJson(app, result, req.operator!));
  });

  router.post(`${base}/:line_user_id/mode`, async (req, res) => {
    const mode = oneOf(asBody(req.body).mode, ['BOT', 'HUMAN'] as const, 'mode');
    res.json(await actionJson(app, await app.sessions.switchMode(req.params.line_user_id, mode, req.operator!), req.operator!));
  });

  // Issue 11: handing a chat over, notes beside the messages, a canned response filled for the chat.
  router.post(`${base}/:line_user_id/transfer`, async (req, res) => {
    const body = asBody(req.body);
    const to = typeof body.operator_id === 'number' ? String(body.operator_id) : undefined;
    const note = noteText(body.note, 'note', false);
    const result = await app.sessions.transfer(req.params.line_user_id, req.operator!, idParam(to, 'operator_id'), note);
    res.json(await actionJson(app, result, req.operator!));
  });

  router.post(`${base}/:line_user_id/notes`, async (req, res) => {
    const entry = await app.timeline.note(req.params.line_user_id, req.operator!, noteText(asBody(req.body).text, 'text', true)!);
    const operators = await app.conversations.operatorRefs(timelineOperatorIds(entry));
    res.status(201).json({ entry: timelineJson(entry, operators) });
  });

  router.get(`${base}/:line_user_id/canned-responses/:id`, async (req, res) => {
    res.json({ message: await app.cannedResponses.filled(idParam(req.params.id), req.params.line_user_id, req.operator!) });
  });

  // Whom a chat can be handed to: every operator may see the active ones (names only).
  router.get('/admin/live-chat/operators', async (_req, res) => {
    const rows = await app.store.operators.list();
    res.json({ operators: rows.filter((o) => o.active).map((o) => ({ id: o.id, username: o.username, display_name: o.display_name, role: o.role })) });
  });

  // Search of the message history (issue 11): text messages holding q, newest first.
  router.get('/admin/live-chat/messages', async (req, res) => {
    const q = queryString(req.query.q, 'q');
    if (q === undefined || [...q].length < MIN_MESSAGE_SEARCH || [...q].length > MAX_MESSAGE_SEARCH) {
      throw badRequest(`q must be ${MIN_MESSAGE_SEARCH} to ${MAX_MESSAGE_SEARCH} characters`, 'q', 'search_length');
    }
    const cursor = queryString(req.query.cursor, 'cursor');
    res.json(
      await app.conversations.searchMessages(q, {
        limit: limitParam(req.query.limit, SEARCH_PAGE, MAX_PAGE),
        before: cursor === undefined ? undefined : idParam(cursor, 'cursor'),
      }),
    );
  });

  return router;
}

/** `{text}` or `{messages: [...]}` from the request body. */
function outgoing(raw: unknown): OutgoingContent[] {
  const body = asBody(raw);
  if (body.text !== undefined && body.messages !== undefined) throw badRequest('Send either text or messages, not both', 'messages');
  if (body.text !== undefined) {
    if (typeof body.text !== 'string' || body.text.trim() === '') throw badRequest('text must be a non-empty string', 'text');
    if (body.text.length > MAX_TEXT_LENGTH) throw badRequest(`text is ${body.text.length} characters; LINE takes at most ${MAX_TEXT_LENGTH}`, 'text');
    return [body.text];
  }
  if (!Array.isArray(body.messages)) throw badRequest('text or messages is required', 'messages');
  return body.messages as OutgoingContent[];
}

/** 200 with the stored messages when LINE took them; 502 with them (FAILED, retryable) when not. */
export async function sendResult(app: LiveChat, res: express.Response, result: SendResult): Promise<void> {
  const operators = await app.conversations.operatorRefs(result.messages.map((m) => m.operator_id));
  const body = {
    status: result.status,
    via: result.via,
    messages: result.messages.map((m) => messageJson(m, operators.get(m.operator_id!))),
    ...(result.error ? { error: `LINE did not take the message: ${result.error}` } : {}),
  };
  res.status(result.status === 'FAILED' ? 502 : 200).json(body);
}

async function actionJson(app: LiveChat, result: SessionActionResult, operator: OperatorView) {
  const row = await app.store.conversations.one(result.contact.id, operator.id, (await readSettings(app.store.settings)).unread_bot_messages);
  const operators = await app.conversations.operatorRefs([result.session?.operator_id ?? null]);
  return {
    changed: result.changed,
    conversation: row ? conversationJson(row) : null,
    session: result.session ? sessionJson(result.session, operators.get(result.session.operator_id!)) : null,
    ...(result.closingMessage
      ? {
          closing_message: {
            status: result.closingMessage.status,
            ...('error' in result.closingMessage && result.closingMessage.error ? { error: result.closingMessage.error } : {}),
          },
        }
      : {}),
  };
}
