// CSAT inside LINE (issue 12, "After the chat"). When a chat an operator held closes (by the
// operator, a flow, or the system's auto-close), the user gets the question as quick-reply
// postback buttons, data `csat:<session_id>:<score>`. A chat never claimed (missed) is not
// asked: nobody served it. The answer is consumed by the webhook's core before any flow (never
// the bot's, never a handoff), stored against that session and its operator however late it
// comes; the first answer counts. Then, when asked for, the user's next text within
// CSAT_COMMENT_WINDOW_MS is the comment, unless it is a handoff keyword.
import type { messagingApi } from '@line/bot-sdk';
import type { Store } from '../store/store';
import type { ContactRow } from '../store/contacts';
import type { SessionRatingRow } from '../store/session-ratings';
import type { TimelineRow } from '../store/chat-timeline';
import type { CsatScale, LiveChatSettings } from './live-chat-settings';
import { matchesKeyword } from './keyword-match';

/** How long after a rating the user's next text is taken as its comment. */
export const CSAT_COMMENT_WINDOW_MS = 30 * 60_000;
/** A comment is stored up to this long (longer text is cut). */
export const MAX_CSAT_COMMENT = 2000;

const POSTBACK_PREFIX = 'csat:';

/** The buttons of each scale, best last for numbers, best first in words (as Thai surveys read). */
const SCALES: Record<CsatScale, { score: number; label: string }[]> = {
  numbers: [1, 2, 3, 4, 5].map((score) => ({ score, label: `${score}/5` })),
  satisfaction: [
    { score: 5, label: 'พอใจมาก' },
    { score: 4, label: 'พอใจ' },
    { score: 3, label: 'เฉยๆ' },
    { score: 2, label: 'ไม่พอใจ' },
    { score: 1, label: 'ไม่พอใจมาก' },
  ],
};

/** The question, a text with one postback quick-reply button per score. */
export function csatQuestion(settings: Pick<LiveChatSettings, 'csat_question' | 'csat_scale'>, sessionId: number): messagingApi.TextMessage {
  return {
    type: 'text',
    text: settings.csat_question,
    quickReply: {
      items: SCALES[settings.csat_scale].map(({ score, label }) => ({
        type: 'action',
        action: { type: 'postback', label, data: `${POSTBACK_PREFIX}${sessionId}:${score}`, displayText: label },
      })),
    },
  };
}

/** The send key of a session's question: asked once, whoever closes or tries again. */
export const csatQuestionKey = (sessionId: number) => `csat:${sessionId}`;

/**
 * A postback's data read as a rating: undefined when it is not ours (the flow has it), null when
 * it is ours but malformed (dropped).
 */
export function readCsatPostback(data: unknown): { sessionId: number; score: number } | null | undefined {
  if (typeof data !== 'string' || !data.startsWith(POSTBACK_PREFIX)) return undefined;
  const match = /^csat:(\d{1,9}):([1-5])$/.exec(data);
  return match ? { sessionId: Number(match[1]), score: Number(match[2]) } : null;
}

/** What the user is sent back after an answer (by the event's reply token), once per key. */
export interface CsatReply {
  sessionId: number;
  text: string;
  sendKey: string;
}

/** What recording a rating or comment did, for the work after the commit. */
export interface CsatRecorded {
  rating: SessionRatingRow;
  entry: TimelineRow;
  reply?: CsatReply;
}

/**
 * Records a rating postback from `contact` (inside the webhook's transaction): stored when it
 * names a session of theirs asked and not answered yet; anything else changes nothing.
 */
export async function recordRating(
  tx: Store,
  settings: Readonly<LiveChatSettings>,
  contact: ContactRow,
  answer: { sessionId: number; score: number },
  at: Date,
): Promise<CsatRecorded | undefined> {
  const rating = await tx.sessionRatings.rate(answer.sessionId, contact.id, answer.score, at);
  if (!rating) return undefined;
  const entry = await timelineEntry(tx, rating, 'rated', { score: rating.score });
  const text = settings.csat_ask_comment ? settings.csat_comment_prompt : settings.csat_thanks;
  const key = settings.csat_ask_comment ? 'csat-prompt' : 'csat-thanks';
  return { rating, entry, ...(text ? { reply: { sessionId: rating.session_id, text, sendKey: `${key}:${rating.session_id}` } } : {}) };
}

/** The session's timeline entry of the user's rating or comment, addressed to the operator who held the chat. */
function timelineEntry(tx: Store, rating: SessionRatingRow, kind: 'rated' | 'commented', what: { score?: number | null; text?: string | null }) {
  return tx.chatTimeline.insert({
    contact_id: rating.contact_id,
    session_id: rating.session_id,
    kind,
    operator_id: null,
    from_operator_id: null,
    to_operator_id: rating.operator_id,
    text: what.text ?? null,
    ...(what.score === undefined ? {} : { score: what.score }),
  });
}

/** A user's text message, as the comment finder reads it. */
export interface CommentCandidate {
  contact: ContactRow;
  text: string;
}

/**
 * Which of a batch's texts (in LINE's order) are comments: the first text of a contact in BOT
 * mode whose rating awaits one, and that is not a handoff keyword. Answers the rating by index.
 */
export async function findComments(
  tx: Store,
  settings: Readonly<LiveChatSettings>,
  candidates: (CommentCandidate | undefined)[],
  now: Date,
): Promise<Map<number, SessionRatingRow>> {
  const found = new Map<number, SessionRatingRow>();
  if (!settings.csat_ask_comment) return found;
  const eligible = candidates.map((c) => (c && c.contact.chat_mode === 'BOT' ? c : undefined));
  const ids = eligible.flatMap((c) => (c ? [c.contact.id] : []));
  if (ids.length === 0) return found;
  const awaiting = await tx.sessionRatings.awaitingComment(ids, new Date(now.getTime() - CSAT_COMMENT_WINDOW_MS));
  for (const [i, c] of eligible.entries()) {
    const rating = c && awaiting.get(c.contact.id);
    if (!c || !rating) continue;
    // Only the first text is looked at: a keyword there is a handoff, and the comment is off.
    awaiting.delete(c.contact.id);
    if (matchesKeyword(c.text, settings.handoff_keywords, settings.handoff_match_mode)) continue;
    found.set(i, rating);
  }
  return found;
}

/** Stores a comment found by findComments (inside the webhook's transaction). */
export async function recordComment(
  tx: Store,
  settings: Readonly<LiveChatSettings>,
  rating: SessionRatingRow,
  text: string,
  at: Date,
): Promise<CsatRecorded | undefined> {
  const commented = await tx.sessionRatings.comment(rating.session_id, text.trim().slice(0, MAX_CSAT_COMMENT), at);
  if (!commented) return undefined;
  const entry = await timelineEntry(tx, commented, 'commented', { text: commented.comment });
  const reply = settings.csat_thanks
    ? { sessionId: commented.session_id, text: settings.csat_thanks, sendKey: `csat-thanks:${commented.session_id}` }
    : undefined;
  return { rating: commented, entry, ...(reply ? { reply } : {}) };
}
