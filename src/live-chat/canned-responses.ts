// Canned responses (issue 11): replies the admins keep for every operator, each one LINE message
// (a text, or a full object such as Flex or a text with quick replies), checked enough here that
// garbage is refused with {error, field} when it is saved, not when LINE refuses it mid-chat.
// {displayName} and {operatorName} are filled for the chat and the operator who uses it.
import type { Store } from '../store/store';
import type { CannedResponseRow, CannedResponseValues } from '../store/canned-responses';
import { MAX_CANNED_RESPONSES } from '../store/canned-responses';
import type { OperatorView } from '../auth/operators';
import { isUniqueViolation } from '../db/sql';
import { MAX_TEXT_LENGTH } from '../line/line-sender';
import { badRequest, conflict, notFound } from '../http/errors';
import { type Body, noNul, requiredString } from '../http/validation';

/** LINE's own limits (Messaging API reference). */
const FLEX_ALT_TEXT_MAX = 1500;
const TEMPLATE_ALT_TEXT_MAX = 400;
const QUICK_REPLY_ITEMS_MAX = 13;
/** A Flex message's JSON may be at most 30 kB (LINE); the whole object is held to that. */
const MESSAGE_JSON_MAX = 30_000;
/** Letters (any script), digits, - and _: what can follow `/` in the message box. */
const SHORTCUT = /^[\p{L}\p{N}_-]{1,32}$/u;

const FLEX_CONTAINERS = ['bubble', 'carousel'];
const TEMPLATES = ['buttons', 'confirm', 'carousel', 'image_carousel'];

export function cannedResponseJson(row: CannedResponseRow) {
  return { id: row.id, title: row.title, shortcut: row.shortcut, message: row.message, created_at: row.created_at, updated_at: row.updated_at };
}

/** What a chat fills into a canned response. */
export interface PlaceholderValues {
  displayName: string;
  operatorName: string;
}

/** Every string in the message with {displayName} and {operatorName} filled (Flex texts, altText, quick reply labels). */
export function fillPlaceholders<T>(value: T, values: PlaceholderValues): T {
  if (typeof value === 'string') return value.replaceAll('{displayName}', values.displayName).replaceAll('{operatorName}', values.operatorName) as T;
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, values)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fillPlaceholders(inner, values)])) as T;
  }
  return value;
}

/** title, shortcut and either text or message from a request body. */
export function readCannedResponse(body: Body): CannedResponseValues {
  const title = requiredString(body, 'title', { max: 100 });
  const shortcut = requiredString(body, 'shortcut', { max: 32 }).replace(/^\//, '');
  if (!SHORTCUT.test(shortcut)) throw badRequest('shortcut must be letters, digits, - or _ (no spaces), at most 32', 'shortcut');
  if (body.text !== undefined && body.message !== undefined) throw badRequest('Give either text or message, not both', 'message');
  if (body.text !== undefined) {
    if (typeof body.text !== 'string' || body.text.trim() === '') throw badRequest('text must be a non-empty string', 'text');
    noNul(body.text, 'text');
    if (body.text.length > MAX_TEXT_LENGTH) throw badRequest(`text is ${body.text.length} characters; LINE takes at most ${MAX_TEXT_LENGTH}`, 'text');
    return { title, shortcut, message: { type: 'text', text: body.text } };
  }
  if (body.message === undefined) throw badRequest('text or message is required', 'text');
  return { title, shortcut, message: checkLineMessage(body.message) };
}

/** A LINE message object of a type LINE knows, with the fields that type needs; 400 (field 'message') naming what is wrong. */
export function checkLineMessage(value: unknown): Record<string, unknown> {
  const m = object(value, 'message');
  if (JSON.stringify(m).length > MESSAGE_JSON_MAX) throw refuse(`message is larger than LINE takes (${MESSAGE_JSON_MAX} characters of JSON)`);
  switch (m.type) {
    case 'text':
      text(m.text, 'message.text', MAX_TEXT_LENGTH);
      break;
    case 'sticker':
      text(m.packageId, 'message.packageId');
      text(m.stickerId, 'message.stickerId');
      break;
    case 'image':
    case 'video':
      https(m.originalContentUrl, 'message.originalContentUrl');
      https(m.previewImageUrl, 'message.previewImageUrl');
      break;
    case 'audio':
      https(m.originalContentUrl, 'message.originalContentUrl');
      if (typeof m.duration !== 'number' || m.duration <= 0) throw refuse('message.duration must be the length in milliseconds');
      break;
    case 'location':
      text(m.title, 'message.title', 100);
      text(m.address, 'message.address', 100);
      if (typeof m.latitude !== 'number' || typeof m.longitude !== 'number') throw refuse('message.latitude and message.longitude must be numbers');
      break;
    case 'flex':
      text(m.altText, 'message.altText', FLEX_ALT_TEXT_MAX);
      if (!FLEX_CONTAINERS.includes(String(object(m.contents, 'message.contents').type))) throw refuse('message.contents.type must be bubble or carousel');
      break;
    case 'template':
      text(m.altText, 'message.altText', TEMPLATE_ALT_TEXT_MAX);
      if (!TEMPLATES.includes(String(object(m.template, 'message.template').type)))
        throw refuse(`message.template.type must be one of ${TEMPLATES.join(', ')}`);
      break;
    case 'imagemap':
      https(m.baseUrl, 'message.baseUrl');
      text(m.altText, 'message.altText', TEMPLATE_ALT_TEXT_MAX);
      object(m.baseSize, 'message.baseSize');
      if (!Array.isArray(m.actions)) throw refuse('message.actions must be a list');
      break;
    default:
      throw refuse('message.type must be one of text, sticker, image, video, audio, location, flex, template, imagemap');
  }
  if (m.quickReply !== undefined) {
    const items = object(m.quickReply, 'message.quickReply').items;
    if (!Array.isArray(items) || items.length < 1 || items.length > QUICK_REPLY_ITEMS_MAX) {
      throw refuse(`message.quickReply.items must be a list of 1 to ${QUICK_REPLY_ITEMS_MAX}`);
    }
    items.forEach((item, i) => {
      const it = object(item, `message.quickReply.items[${i}]`);
      if (it.type !== 'action' || typeof object(it.action, `message.quickReply.items[${i}].action`).type !== 'string') {
        throw refuse(`message.quickReply.items[${i}] must be {type: "action", action: {type, …}}`);
      }
    });
  }
  return m;
}

function refuse(message: string) {
  return badRequest(message, 'message');
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refuse(`${path} must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string, max?: number): void {
  if (typeof value !== 'string' || value.trim() === '') throw refuse(`${path} must be a non-empty string`);
  if (max !== undefined && value.length > max) throw refuse(`${path} must be at most ${max} characters`);
}

function https(value: unknown, path: string): void {
  if (typeof value !== 'string' || !/^https:\/\/\S+$/.test(value)) throw refuse(`${path} must be an https URL`);
}

export class CannedResponses {
  constructor(private readonly store: Store) {}

  async list() {
    return (await this.store.cannedResponses.list()).map(cannedResponseJson);
  }

  async create(values: CannedResponseValues, admin: OperatorView) {
    if ((await this.store.cannedResponses.count()) >= MAX_CANNED_RESPONSES)
      throw conflict(`There are ${MAX_CANNED_RESPONSES} canned responses already; remove some first`);
    const row = await this.store.cannedResponses.insert(values, admin.id);
    if (!row) throw shortcutTaken(values.shortcut);
    return cannedResponseJson(row);
  }

  async update(id: number, values: CannedResponseValues) {
    let row: CannedResponseRow | undefined;
    try {
      row = await this.store.cannedResponses.update(id, values);
    } catch (err) {
      if (isUniqueViolation(err)) throw shortcutTaken(values.shortcut);
      throw err;
    }
    if (!row) throw notFound('Canned response');
    return cannedResponseJson(row);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.store.cannedResponses.delete(id))) throw notFound('Canned response');
  }

  /** The response's message filled for the chat with `lineUserId` and the operator who uses it. */
  async filled(id: number, lineUserId: string, operator: OperatorView): Promise<Record<string, unknown>> {
    const [row, contact] = await Promise.all([this.store.cannedResponses.byId(id), this.store.contacts.byLineUserId(lineUserId)]);
    if (!contact) throw notFound('Conversation');
    if (!row) throw notFound('Canned response');
    return fillPlaceholders(row.message, { displayName: contact.display_name ?? '', operatorName: operator.display_name });
  }
}

function shortcutTaken(shortcut: string) {
  return conflict(`The shortcut /${shortcut} is taken by another canned response`, { field: 'shortcut' });
}
