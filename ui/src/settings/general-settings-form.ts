// The live chat's General settings as a form: handoff keywords (one per line) and how they
// match, the greeting, the closing and auto-close messages and minutes, the Telegram reminder,
// the time zone, the business hours with their away message, and the waiting queue's messages
// (issue 12). Properties: settings, errors (by setting, from the API's 400s), formError, busy,
// message. Emits `settings-save` {changes}: every setting, as the API takes them.
import { LitElement, type PropertyValues, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { LanguageController } from '../core/language-controller';
import type { BusinessHours } from './business-hours-editor';
import './business-hours-editor';

registerStrings({
  th: {
    'gen.handoff': 'การส่งต่อให้เจ้าหน้าที่',
    'gen.closing': 'การปิดแชท',
    'gen.alerts': 'การแจ้งเตือนและเวลา',
    'gen.keywords': 'คำที่ใช้ขอคุยกับเจ้าหน้าที่',
    'gen.keywords.hint': 'บรรทัดละหนึ่งคำ',
    'gen.match': 'วิธีจับคำ',
    'gen.match.exact': 'ตรงทั้งข้อความ (ข้อความต้องเป็นคำใดคำหนึ่งพอดี)',
    'gen.match.contains': 'มีคำอยู่ในข้อความ (คำปรากฏที่ใดก็ได้)',
    'gen.greeting': 'ข้อความทักทายเมื่อส่งต่อ',
    'gen.greeting.hint': 'ส่งให้ผู้ใช้ทันทีที่ขอคุยกับเจ้าหน้าที่',
    'gen.closing-message': 'ข้อความเมื่อเจ้าหน้าที่ปิดแชท',
    'gen.blank-sends-nothing': 'เว้นว่างไว้เพื่อไม่ส่งข้อความ',
    'gen.auto-close-minutes': 'ปิดแชทอัตโนมัติเมื่อเงียบนาน (นาที)',
    'gen.auto-close-minutes.hint': '0 = ไม่ปิดอัตโนมัติ',
    'gen.auto-close-message': 'ข้อความเมื่อปิดอัตโนมัติ',
    'gen.missed-message': 'ข้อความเมื่อไม่มีใครรับแชททันเวลา',
    'gen.unread-bot': 'นับข้อความที่บอทตอบเป็นข้อความที่ยังไม่อ่าน',
    'gen.unread-bot.yes': 'นับ',
    'gen.unread-bot.no': 'ไม่นับ (เฉพาะแชทที่ส่งถึงเจ้าหน้าที่)',
    'gen.missed-message.hint': 'ส่งแทนข้อความปิดอัตโนมัติ เมื่อแชทถูกปิดโดยยังไม่มีเจ้าหน้าที่รับ เว้นว่างไว้เพื่อไม่ส่ง',
    'gen.renotify': 'เตือนซ้ำใน Telegram เมื่อรอนานเกิน (นาที)',
    'gen.renotify.hint': '0 = ไม่เตือนซ้ำ',
    'gen.time-zone': 'เขตเวลา',
    'gen.time-zone.hint': 'ใช้นับสถิติรายวันและรายชั่วโมง เช่น Asia/Bangkok',
    'gen.save': 'บันทึกการตั้งค่า',
    // Business hours (issue 12).
    'gen.hours': 'เวลาทำการ',
    'gen.away-message': 'ข้อความนอกเวลาทำการ',
    'gen.away-message.hint':
      'ส่งแทนข้อความทักทายเมื่อขอคุยกับเจ้าหน้าที่นอกเวลาทำการ {next_opening} จะถูกแทนด้วยเวลาเปิดครั้งถัดไป เช่น "วันจันทร์ เวลา 09:00 น." (เป็นภาษาอังกฤษถ้าข้อความไม่มีอักษรไทย) เว้นว่างไว้เพื่อไม่ส่ง',
    // Issue 12, queue position and waiting.
    'gen.queue': 'คิวรอเจ้าหน้าที่',
    'gen.queue-updates': 'แจ้งลำดับคิวให้ผู้ใช้ที่รอ',
    'gen.queue-updates.yes': 'แจ้ง (เมื่อส่งต่อ และเมื่อคิวขยับ)',
    'gen.queue-updates.no': 'ไม่แจ้ง',
    'gen.queue-update-minutes': 'แจ้งซ้ำได้ไม่บ่อยกว่าทุก (นาที)',
    'gen.queue-update-minutes.hint': 'จำนวนเต็ม 1 ถึง 1440 ข้อความแจ้งซ้ำส่งแบบ push (นับในโควตาข้อความของ LINE)',
    'gen.queue-message': 'ข้อความแจ้งลำดับคิว',
    'gen.queue-message.hint': '{position} = ลำดับคิว, {wait} = เวลารอโดยประมาณ (นาที) จากเวลารับแชทล่าสุด',
    'gen.queue-message-no-estimate': 'ข้อความแจ้งลำดับคิว เมื่อยังประมาณเวลาไม่ได้',
    'gen.queue-message-no-estimate.hint': 'ใช้เมื่อ 7 วันที่ผ่านมามีแชทที่ถูกรับไม่ถึง 3 แชท; {position} = ลำดับคิว',
    // CSAT (issue 12)
    'gen.csat': 'ความพึงพอใจหลังจบแชท (CSAT)',
    'gen.csat-enabled': 'ถามความพึงพอใจเมื่อปิดแชท',
    'gen.csat-enabled.hint': 'ถามเฉพาะแชทที่มีเจ้าหน้าที่รับแล้ว ผ่านปุ่มตอบกลับด่วนใน LINE',
    'gen.yes': 'ถาม',
    'gen.no': 'ไม่ถาม',
    'gen.csat-question': 'คำถาม',
    'gen.csat-scale': 'ปุ่มให้คะแนน',
    'gen.csat-scale.numbers': 'ตัวเลข 1–5',
    'gen.csat-scale.satisfaction': 'พอใจมาก … ไม่พอใจมาก (5 ระดับ)',
    'gen.csat-ask-comment': 'ขอความคิดเห็นเพิ่มเติมหลังให้คะแนน',
    'gen.csat-ask-comment.hint': 'ข้อความถัดไปของผู้ใช้ภายใน 30 นาทีคือความคิดเห็น (ยกเว้นคำที่ใช้ขอคุยกับเจ้าหน้าที่)',
    'gen.csat-comment-prompt': 'ข้อความขอความคิดเห็น',
    'gen.csat-thanks': 'ข้อความขอบคุณ',
  },
  en: {
    'gen.handoff': 'Handoff',
    'gen.closing': 'Closing chats',
    'gen.alerts': 'Reminders and time',
    'gen.keywords': 'Handoff keywords',
    'gen.keywords.hint': 'One per line',
    'gen.match': 'Match mode',
    'gen.match.exact': 'Exact (the whole message is a keyword)',
    'gen.match.contains': 'Contains (a keyword appears anywhere in the message)',
    'gen.greeting': 'Handoff greeting',
    'gen.greeting.hint': 'Sent to the user as soon as they ask for a human',
    'gen.closing-message': 'Closing message',
    'gen.blank-sends-nothing': 'Leave blank to send nothing',
    'gen.auto-close-minutes': 'Auto-close idle chats after (minutes)',
    'gen.auto-close-minutes.hint': '0 = never',
    'gen.auto-close-message': 'Auto-close message',
    'gen.missed-message': 'Message when nobody answered in time',
    'gen.unread-bot': 'Count messages the bot handled as unread',
    'gen.unread-bot.yes': 'Count them',
    'gen.unread-bot.no': 'Do not (only chats sent to the team)',
    'gen.missed-message.hint': 'Sent instead of the auto-close message when no operator had claimed the chat; blank sends nothing',
    'gen.renotify': 'Telegram reminder after (minutes)',
    'gen.renotify.hint': '0 = no reminder',
    'gen.time-zone': 'Time zone',
    'gen.time-zone.hint': 'Analytics count days and hours in it, e.g. Asia/Bangkok',
    'gen.save': 'Save settings',
    // Business hours (issue 12).
    'gen.hours': 'Business hours',
    'gen.away-message': 'Away message',
    'gen.away-message.hint':
      'Sent instead of the greeting when someone asks for a human outside business hours. {next_opening} becomes the next opening, e.g. "09:00 on Monday" (in Thai when the message has Thai letters). Blank sends nothing.',
    // Issue 12, queue position and waiting.
    'gen.queue': 'Waiting queue',
    'gen.queue-updates': 'Tell waiting users their place in the queue',
    'gen.queue-updates.yes': 'Tell them (on handoff, and as the queue moves)',
    'gen.queue-updates.no': 'Do not',
    'gen.queue-update-minutes': 'At most one update per (minutes)',
    'gen.queue-update-minutes.hint': 'A whole number, 1 to 1440; updates go by push (counted in the LINE message quota)',
    'gen.queue-message': 'Queue message',
    'gen.queue-message.hint': '{position} = place in the queue, {wait} = estimated wait in minutes, from recent claims',
    'gen.queue-message-no-estimate': 'Queue message without an estimate',
    'gen.queue-message-no-estimate.hint': 'Used while fewer than 3 chats were claimed in the last 7 days; {position} = place in the queue',
    // CSAT (issue 12)
    'gen.csat': 'Satisfaction after the chat (CSAT)',
    'gen.csat-enabled': 'Ask for a rating when a chat closes',
    'gen.csat-enabled.hint': 'Only chats an operator claimed, with quick-reply buttons in LINE',
    'gen.yes': 'Ask',
    'gen.no': 'Do not ask',
    'gen.csat-question': 'Question',
    'gen.csat-scale': 'Rating buttons',
    'gen.csat-scale.numbers': 'Numbers 1–5',
    'gen.csat-scale.satisfaction': 'Very satisfied … very dissatisfied (5 steps, in Thai)',
    'gen.csat-ask-comment': 'Ask for a comment after the rating',
    'gen.csat-ask-comment.hint': "The user's next text within 30 minutes is the comment (unless it is a handoff keyword)",
    'gen.csat-comment-prompt': 'Comment prompt',
    'gen.csat-thanks': 'Thank-you message',
  },
});

export interface LiveChatSettings {
  handoff_keywords: string[];
  handoff_match_mode: 'exact' | 'contains';
  handoff_greeting: string;
  closing_message: string;
  auto_close_minutes: number;
  auto_close_message: string;
  missed_message: string;
  unread_bot_messages: boolean;
  renotify_minutes: number;
  time_zone: string;
  business_hours: BusinessHours;
  away_message: string;
  // Issue 12, queue position and waiting.
  queue_updates: boolean;
  queue_update_minutes: number;
  queue_message: string;
  queue_message_no_estimate: string;
  // CSAT (issue 12)
  csat_enabled: boolean;
  csat_question: string;
  csat_scale: 'numbers' | 'satisfaction';
  csat_ask_comment: boolean;
  csat_comment_prompt: string;
  csat_thanks: string;
}

/** The form's text for each setting (the business hours as their editor keeps them). */
type Draft = Record<Exclude<keyof LiveChatSettings, 'business_hours'>, string> & { business_hours: BusinessHours };

const FIELDS: (keyof LiveChatSettings)[] = [
  'handoff_keywords',
  'handoff_match_mode',
  'handoff_greeting',
  'closing_message',
  'auto_close_minutes',
  'auto_close_message',
  'missed_message',
  'unread_bot_messages',
  'renotify_minutes',
  'time_zone',
  'business_hours',
  'away_message',
  'queue_updates',
  'queue_update_minutes',
  'queue_message',
  'queue_message_no_estimate',
  'csat_enabled',
  'csat_question',
  'csat_scale',
  'csat_ask_comment',
  'csat_comment_prompt',
  'csat_thanks',
];

function draftOf(s: LiveChatSettings): Draft {
  return {
    handoff_keywords: s.handoff_keywords.join('\n'),
    handoff_match_mode: s.handoff_match_mode,
    handoff_greeting: s.handoff_greeting,
    closing_message: s.closing_message,
    auto_close_minutes: String(s.auto_close_minutes),
    auto_close_message: s.auto_close_message,
    missed_message: s.missed_message ?? '',
    unread_bot_messages: String(s.unread_bot_messages ?? false),
    renotify_minutes: String(s.renotify_minutes),
    time_zone: s.time_zone,
    business_hours: s.business_hours,
    away_message: s.away_message ?? '',
    queue_updates: String(s.queue_updates ?? false),
    queue_update_minutes: String(s.queue_update_minutes ?? ''),
    queue_message: s.queue_message ?? '',
    queue_message_no_estimate: s.queue_message_no_estimate ?? '',
    csat_enabled: String(s.csat_enabled ?? false),
    csat_question: s.csat_question ?? '',
    csat_scale: s.csat_scale ?? 'numbers',
    csat_ask_comment: String(s.csat_ask_comment ?? false),
    csat_comment_prompt: s.csat_comment_prompt ?? '',
    csat_thanks: s.csat_thanks ?? '',
  };
}

const minutes = (text: string) => (text.trim() === '' ? null : Number(text));

let zones: string[] | undefined;
function timeZones(): string[] {
  try {
    zones ??= Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return zones;
}

export class GeneralSettingsForm extends LitElement {
  static properties = {
    settings: { attribute: false },
    errors: { attribute: false },
    formError: { attribute: false },
    busy: { type: Boolean },
    message: { attribute: false },
    draft: { state: true },
  };
  settings: LiveChatSettings | null = null;
  errors: Record<string, string> = {};
  formError = '';
  busy = false;
  /** What became of the last save, shown beside the button. */
  message: { ok: boolean; text: string } | null = null;
  draft: Draft | null = null;

  constructor() {
    super();
    new LanguageController(this);
  }

  willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('settings') && this.settings) this.draft = draftOf(this.settings);
  }

  updated(changed: PropertyValues<this>): void {
    if (changed.has('errors')) {
      const first = FIELDS.find((f) => this.errors[f]);
      if (first) this.renderRoot.querySelector<HTMLElement>(`#${first}`)?.focus();
    }
  }

  private set(field: Exclude<keyof LiveChatSettings, 'business_hours'>, value: string): void {
    this.draft = { ...this.draft!, [field]: value };
  }

  private submit(e: Event): void {
    e.preventDefault();
    if (this.busy || !this.draft) return;
    const d = this.draft;
    const changes = {
      handoff_keywords: d.handoff_keywords
        .split('\n')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
      handoff_match_mode: d.handoff_match_mode,
      handoff_greeting: d.handoff_greeting,
      closing_message: d.closing_message,
      auto_close_minutes: minutes(d.auto_close_minutes),
      auto_close_message: d.auto_close_message,
      missed_message: d.missed_message,
      unread_bot_messages: d.unread_bot_messages === 'true',
      renotify_minutes: minutes(d.renotify_minutes),
      time_zone: d.time_zone.trim(),
      business_hours: d.business_hours,
      away_message: d.away_message,
      queue_updates: d.queue_updates === 'true',
      queue_update_minutes: minutes(d.queue_update_minutes),
      queue_message: d.queue_message,
      queue_message_no_estimate: d.queue_message_no_estimate,
      csat_enabled: d.csat_enabled === 'true',
      csat_question: d.csat_question,
      csat_scale: d.csat_scale,
      csat_ask_comment: d.csat_ask_comment === 'true',
      csat_comment_prompt: d.csat_comment_prompt,
      csat_thanks: d.csat_thanks,
    };
    this.dispatchEvent(new CustomEvent('settings-save', { detail: { changes }, bubbles: true, composed: true }));
  }

  /** Label, control, hint and error of one setting, tied together by ids. */
  private field(id: keyof LiveChatSettings, label: string, control: (describedBy: string) => unknown, hint = '', required = false) {
    const error = this.errors[id] ?? '';
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`
      <div class="field">
        <label for=${id}>${label}${required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing}</label>
        ${control(describedBy)}
        ${hint ? html`<p id="${id}-hint" class="hint">${hint}</p>` : nothing}
        ${error ? html`<p id="${id}-error" class="error field-error">${error}</p>` : nothing}
      </div>
    `;
  }

  private textarea(id: Exclude<keyof LiveChatSettings, 'business_hours'>, rows: number, required = false) {
    return (describedBy: string) => html`<textarea id=${id} rows=${rows} .value=${live(this.draft![id])} aria-required=${required ? 'true' : 'false'}
      aria-invalid=${this.errors[id] ? 'true' : 'false'} aria-describedby=${describedBy} @input=${(e: Event) => this.set(id, (e.target as HTMLTextAreaElement).value)}></textarea>`;
  }

  /** A select of fixed choices: [value, label]. */
  private choice(id: Exclude<keyof LiveChatSettings, 'business_hours'>, options: [string, string][]) {
    return (describedBy: string) => html`
      <select id=${id} .value=${live(this.draft![id])} aria-invalid=${this.errors[id] ? 'true' : 'false'} aria-describedby=${describedBy}
        @change=${(e: Event) => this.set(id, (e.target as HTMLSelectElement).value)}>
        ${options.map(([value, label]) => html`<option value=${value} ?selected=${this.draft![id] === value}>${label}</option>`)}
      </select>`;
  }

  private number(id: Exclude<keyof LiveChatSettings, 'business_hours'>) {
    return (
      describedBy: string,
    ) => html`<input id=${id} type="number" inputmode="decimal" min="0" max="10080" step="any" class="short" .value=${live(this.draft![id])}
      aria-invalid=${this.errors[id] ? 'true' : 'false'} aria-describedby=${describedBy} @input=${(e: Event) => this.set(id, (e.target as HTMLInputElement).value)}>`;
  }

  render() {
    if (!this.draft) return nothing;
    const d = this.draft;
    return html`
      <form novalidate @submit=${this.submit}>
        ${this.formError ? html`<p class="error form-error" role="alert">${this.formError}</p>` : nothing}
        <fieldset>
          <legend>${t('gen.handoff')}</legend>
          ${this.field('handoff_keywords', t('gen.keywords'), this.textarea('handoff_keywords', 6, true), t('gen.keywords.hint'), true)}
          ${this.field(
            'handoff_match_mode',
            t('gen.match'),
            (describedBy) => html`
            <select id="handoff_match_mode" .value=${live(d.handoff_match_mode)} aria-invalid=${this.errors.handoff_match_mode ? 'true' : 'false'} aria-describedby=${describedBy}
              @change=${(e: Event) => this.set('handoff_match_mode', (e.target as HTMLSelectElement).value)}>
              <option value="exact" ?selected=${d.handoff_match_mode === 'exact'}>${t('gen.match.exact')}</option>
              <option value="contains" ?selected=${d.handoff_match_mode === 'contains'}>${t('gen.match.contains')}</option>
            </select>`,
          )}
          ${this.field('handoff_greeting', t('gen.greeting'), this.textarea('handoff_greeting', 3, true), t('gen.greeting.hint'), true)}
        </fieldset>
        <fieldset>
          <legend>${t('gen.closing')}</legend>
          ${this.field('closing_message', t('gen.closing-message'), this.textarea('closing_message', 3), t('gen.blank-sends-nothing'))}
          ${this.field('auto_close_minutes', t('gen.auto-close-minutes'), this.number('auto_close_minutes'), t('gen.auto-close-minutes.hint'))}
          ${this.field('auto_close_message', t('gen.auto-close-message'), this.textarea('auto_close_message', 3), t('gen.blank-sends-nothing'))}
          ${this.field('missed_message', t('gen.missed-message'), this.textarea('missed_message', 3), t('gen.missed-message.hint'))}
        </fieldset>
        <fieldset>
          <legend>${t('gen.alerts')}</legend>
          ${this.field('renotify_minutes', t('gen.renotify'), this.number('renotify_minutes'), t('gen.renotify.hint'))}
          ${this.field(
            'unread_bot_messages',
            t('gen.unread-bot'),
            (describedBy) => html`
            <select id="unread_bot_messages" .value=${live(d.unread_bot_messages)} aria-describedby=${describedBy}
              @change=${(e: Event) => this.set('unread_bot_messages', (e.target as HTMLSelectElement).value)}>
              <option value="false" ?selected=${d.unread_bot_messages === 'false'}>${t('gen.unread-bot.no')}</option>
              <option value="true" ?selected=${d.unread_bot_messages === 'true'}>${t('gen.unread-bot.yes')}</option>
            </select>`,
          )}
          ${this.field(
            'time_zone',
            t('gen.time-zone'),
            (describedBy) => html`
            <input id="time_zone" list="time-zones" autocomplete="off" spellcheck="false" class="medium" .value=${live(d.time_zone)}
              aria-invalid=${this.errors.time_zone ? 'true' : 'false'} aria-describedby=${describedBy}
              @input=${(e: Event) => this.set('time_zone', (e.target as HTMLInputElement).value)}>
            <datalist id="time-zones">${timeZones().map((z) => html`<option value=${z}></option>`)}</datalist>`,
            t('gen.time-zone.hint'),
          )}
        </fieldset>
        <fieldset>
          <legend>${t('gen.hours')}</legend>
          <llc-business-hours-editor id="business_hours" .value=${d.business_hours} .error=${this.errors.business_hours ?? ''}
            .errorField=${this.errors.business_hours_field ?? ''}
            @hours-change=${(e: CustomEvent<{ value: BusinessHours }>) => (this.draft = { ...this.draft!, business_hours: e.detail.value })}></llc-business-hours-editor>
          ${this.field('away_message', t('gen.away-message'), this.textarea('away_message', 3), t('gen.away-message.hint'))}
        </fieldset>
        <fieldset>
          <legend>${t('gen.queue')}</legend>
          ${this.field(
            'queue_updates',
            t('gen.queue-updates'),
            this.choice('queue_updates', [
              ['false', t('gen.queue-updates.no')],
              ['true', t('gen.queue-updates.yes')],
            ]),
          )}
          ${this.field('queue_update_minutes', t('gen.queue-update-minutes'), this.number('queue_update_minutes'), t('gen.queue-update-minutes.hint'))}
          ${this.field('queue_message', t('gen.queue-message'), this.textarea('queue_message', 2, true), t('gen.queue-message.hint'), true)}
          ${this.field(
            'queue_message_no_estimate',
            t('gen.queue-message-no-estimate'),
            this.textarea('queue_message_no_estimate', 2, true),
            t('gen.queue-message-no-estimate.hint'),
            true,
          )}
        </fieldset>
        <fieldset>
          <legend>${t('gen.csat')}</legend>
          ${this.field(
            'csat_enabled',
            t('gen.csat-enabled'),
            this.choice('csat_enabled', [
              ['false', t('gen.no')],
              ['true', t('gen.yes')],
            ]),
            t('gen.csat-enabled.hint'),
          )}
          ${this.field('csat_question', t('gen.csat-question'), this.textarea('csat_question', 2, true), '', true)}
          ${this.field(
            'csat_scale',
            t('gen.csat-scale'),
            this.choice('csat_scale', [
              ['numbers', t('gen.csat-scale.numbers')],
              ['satisfaction', t('gen.csat-scale.satisfaction')],
            ]),
          )}
          ${this.field(
            'csat_ask_comment',
            t('gen.csat-ask-comment'),
            this.choice('csat_ask_comment', [
              ['false', t('gen.no')],
              ['true', t('gen.yes')],
            ]),
            t('gen.csat-ask-comment.hint'),
          )}
          ${this.field('csat_comment_prompt', t('gen.csat-comment-prompt'), this.textarea('csat_comment_prompt', 2, true), '', true)}
          ${this.field('csat_thanks', t('gen.csat-thanks'), this.textarea('csat_thanks', 2), t('gen.blank-sends-nothing'))}
        </fieldset>
        <div class="actions">
          <p class="message ${this.message?.ok ? 'ok' : 'failed'}" role="status">${this.message?.text ?? ''}</p>
          <button type="submit" class="primary" ?disabled=${this.busy}>${t('gen.save')}</button>
        </div>
      </form>
    `;
  }

  static styles = [
    tokens,
    css`
    :host { display: block; max-width: 46rem; }
    form { display: grid; gap: 1rem; }
    fieldset { border: 1px solid var(--llc-border); border-radius: var(--llc-radius); background: var(--llc-surface); padding: 0.75rem 1rem 1rem; display: grid; gap: 0.9rem; margin: 0; }
    legend { font-weight: 600; padding: 0 0.35rem; }
    .field { display: grid; gap: 0.3rem; }
    .field label { font-weight: 500; }
    .required { color: var(--llc-red); }
    textarea { resize: vertical; }
    .short { width: 8rem; }
    .medium { width: min(20rem, 100%); }
    [aria-invalid='true'] { border-color: var(--llc-red); }
    .hint { margin: 0; color: var(--llc-grey); font-size: 0.85rem; }
    .field-error { margin: 0; font-size: 0.85rem; }
    .form-error { margin: 0; padding: 0.5rem 0.75rem; border-radius: var(--llc-radius); background: #fef2f2; }
    .actions { display: flex; justify-content: flex-end; align-items: center; gap: 1rem; }
    .message { margin: 0; }
    .message.ok { color: #047857; }
    .message.failed { color: var(--llc-red); }
  `,
  ];
}
customElements.define('llc-general-settings-form', GeneralSettingsForm);
