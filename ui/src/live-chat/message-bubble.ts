// One message of the history: the user's on the left, an operator's on the right with their
// name, the bot's on the right labelled, the system's centred. Text is shown as text (never as
// markup); images, stickers, files and locations are shown as what they are. An outgoing message
// shows its delivery (sending, sent, not delivered + Retry, which fires 'retry' with its id).
import { LitElement, css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { dateTime, timeOfDay } from '../core/format';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { LanguageController } from '../core/language-controller';
import type { Message, MessageMedia } from './types';
import './strings';
import { icon } from './icons';
import { under } from '../core/base';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
/** Only https links are followed; anything else is shown, not linked. */
const httpsUrl = (v: unknown): string | null => {
  const s = str(v);
  try {
    return s && new URL(s).protocol === 'https:' ? s : null;
  } catch {
    return null;
  }
};

export function stickerImageUrl(stickerId: unknown): string | null {
  const id = str(stickerId);
  return /^\d{1,12}$/.test(id) ? `https://stickershop.line-scdn.net/stickershop/v1/sticker/${id}/android/sticker.png` : null;
}

function fileSize(bytes: unknown): string {
  const n = typeof bytes === 'number' ? bytes : Number.NaN;
  if (!Number.isFinite(n)) return '';
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

/** Where the inbox loads a message's stored media (the login cookie goes with it). */
function mediaUrl(media: MessageMedia, part: 'original' | 'preview' = 'original'): string {
  return under(`/api/v1/admin/live-chat/media/${encodeURIComponent(media.key)}${part === 'preview' ? '/preview' : ''}`);
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'file']);
const KIND_ICONS: Record<string, Parameters<typeof icon>[0]> = { image: 'image', video: 'video', audio: 'audio', file: 'file' };

export class MessageBubble extends LitElement {
  static properties = { message: { attribute: false }, busy: { type: Boolean }, stickerFailed: { state: true } };
  message!: Message;
  busy = false;
  stickerFailed = false;

  constructor() {
    super();
    new LanguageController(this);
  }

  /**
   * A message whose media is stored here (or is still being fetched from LINE, or could not be):
   * images as a thumbnail opening the full-size viewer, video and audio as players, anything
   * else as a download with its name and size. Undefined for other messages.
   */
  private media() {
    const m = this.message;
    const c = m.content ?? {};
    const media = m.media;
    const kind = MEDIA_TYPES.has(m.message_type) ? m.message_type : 'file';
    const label = html`<div class="kind">${icon(KIND_ICONS[kind] ?? 'file')} ${t(`lc.type.${kind}`)}</div>`;
    if (!media) {
      const fromLine =
        m.direction === 'IN' && MEDIA_TYPES.has(m.message_type) && str((c.contentProvider as Record<string, unknown>)?.type || 'line') === 'line';
      return fromLine ? html`${label}<div class="small placeholder" role="status">${t('lc.media.loading')}</div>` : undefined;
    }
    const name = media.file_name ?? str(c.fileName);
    if (media.status !== 'STORED') {
      const why =
        media.status === 'GONE'
          ? t('lc.media.gone')
          : media.status === 'TOO_LARGE'
            ? t('lc.media.large', { size: media.byte_size ? ` (${fileSize(media.byte_size)})` : '' })
            : t('lc.media.failed');
      return html`${label}${name ? html`<div class="text">${name}</div>` : nothing}<div class="small placeholder" data-media=${media.status}>${why}</div>`;
    }
    const url = mediaUrl(media);
    if (kind === 'image' && media.content_type?.startsWith('image/')) {
      return html`<button class="thumb" aria-label=${t('lc.media.view')} title=${t('lc.media.view')} @click=${this.openViewer}>
          <img src=${media.preview ? mediaUrl(media, 'preview') : url} alt=${name || t('lc.type.image')} loading="lazy"></button>
        <dialog class="viewer" aria-label=${t('lc.media.view')} @click=${(e: Event) => e.target === e.currentTarget && this.closeViewer()}>
          <img src=${url} alt=${name || t('lc.type.image')}>
          <button class="close" @click=${this.closeViewer}>${t('lc.media.close')}</button>
        </dialog>`;
    }
    if (kind === 'video') return html`<video class="player" controls preload="metadata" src=${url}></video>`;
    if (kind === 'audio') return html`<audio class="player" controls preload="metadata" src=${url}></audio>`;
    const shown = name || t('lc.type.file');
    return html`<a class="file" href=${url} download=${shown} aria-label=${t('lc.media.download', { name: shown })}>
      ${icon('file', 20)}<span><span class="text">${shown}</span>${media.byte_size !== null ? html`<span class="small"> · ${fileSize(media.byte_size)}</span>` : nothing}</span></a>`;
  }

  private openViewer(): void {
    // A modal <dialog>: Escape closes it, focus stays in it while open.
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.viewer')?.showModal();
  }

  private closeViewer(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.viewer')?.close();
  }

  private content() {
    const media = this.media();
    if (media) return media;
    const m = this.message;
    const c = m.content ?? {};
    switch (m.message_type) {
      case 'text':
        return html`<div class="text">${str(c.text)}</div>`;
      case 'sticker': {
        const url = stickerImageUrl(c.stickerId);
        const label = t('lc.sticker.label', { package: str(c.packageId), sticker: str(c.stickerId) });
        return html`<div class="sticker">
          ${url && !this.stickerFailed ? html`<img src=${url} alt=${label} width="96" height="96" referrerpolicy="no-referrer" @error=${() => (this.stickerFailed = true)}>` : html`<span class="kind">${icon('sticker')} ${label}</span>`}
        </div>`;
      }
      case 'image': {
        const url =
          httpsUrl(c.originalContentUrl) ??
          (str((c.contentProvider as Record<string, unknown>)?.type) === 'external'
            ? httpsUrl((c.contentProvider as Record<string, unknown>)?.originalContentUrl)
            : null);
        return html`<div class="kind">${icon('image')} ${t('lc.type.image')}</div>
          ${url ? html`<a href=${url} target="_blank" rel="noopener noreferrer">${t('lc.open.image')}</a>` : m.direction === 'IN' ? html`<div class="small">${t('lc.image.line')}</div>` : nothing}`;
      }
      case 'video': {
        const url = httpsUrl(c.originalContentUrl) ?? httpsUrl((c.contentProvider as Record<string, unknown>)?.originalContentUrl);
        return html`<div class="kind">${icon('video')} ${t('lc.type.video')}</div>${url ? html`<a href=${url} target="_blank" rel="noopener noreferrer">${t('lc.open.video')}</a>` : nothing}`;
      }
      case 'audio': {
        const ms = typeof c.duration === 'number' ? c.duration : null;
        return html`<div class="kind">${icon('audio')} ${t('lc.type.audio')}${ms !== null ? ` (${Math.round(ms / 1000)} s)` : ''}</div>`;
      }
      case 'file':
        return html`<div class="kind">${icon('file')} ${t('lc.type.file')}</div><div class="text">${str(c.fileName)}</div>${fileSize(c.fileSize) ? html`<div class="small">${fileSize(c.fileSize)}</div>` : nothing}`;
      case 'location': {
        const lat = typeof c.latitude === 'number' ? c.latitude : null;
        const lng = typeof c.longitude === 'number' ? c.longitude : null;
        return html`<div class="kind">${icon('pin')} ${t('lc.type.location')}</div>
          ${str(c.title) ? html`<div class="text">${str(c.title)}</div>` : nothing}
          ${str(c.address) ? html`<div class="small">${str(c.address)}</div>` : nothing}
          ${lat !== null && lng !== null ? html`<a href=${`https://www.google.com/maps?q=${lat},${lng}`} target="_blank" rel="noopener noreferrer">${t('lc.open.map')}</a>` : nothing}`;
      }
      case 'flex':
      case 'template':
      case 'imagemap':
        return html`<div class="kind">${icon('card')} ${t(`lc.type.${m.message_type}`)}</div>${str(c.altText) ? html`<div class="text">${str(c.altText)}</div>` : nothing}`;
      default:
        return html`<div class="kind">${t('lc.type.other', { type: m.message_type })}</div>`;
    }
  }

  private delivery() {
    const m = this.message;
    if (m.direction !== 'OUT') return nothing;
    if (m.delivery_status === 'FAILED') {
      return html`<span class="failed" role="status">${icon('warning', 14)} ${t('lc.delivery.FAILED')}${m.delivery_error ? html`<span class="why">: ${m.delivery_error}</span>` : nothing}</span>
        <button class="retry" ?disabled=${this.busy} @click=${() => this.dispatchEvent(new CustomEvent('retry', { detail: m.id, bubbles: true, composed: true }))}>${t('lc.retry')}</button>`;
    }
    if (m.delivery_status === 'PENDING') return html`<span class="pending">${t('lc.delivery.PENDING')}</span>`;
    if (m.delivery_status === 'SENT') return html`<span class="sent">✓ ${t('lc.delivery.SENT')}</span>`;
    return nothing;
  }

  render() {
    const m = this.message;
    const side = m.sender === 'USER' ? 'user' : m.sender === 'SYSTEM' ? 'system' : m.sender === 'BOT' ? 'bot' : 'operator';
    const who =
      m.sender === 'OPERATOR'
        ? (m.operator?.display_name ?? m.operator?.username ?? t('lc.sender.OPERATOR'))
        : m.sender === 'BOT'
          ? t('lc.sender.BOT')
          : m.sender === 'SYSTEM'
            ? t('lc.sender.SYSTEM')
            : '';
    return html`
      <div class="msg ${side}" data-id=${m.id} data-status=${m.delivery_status}>
        ${who ? html`<div class="who">${who}</div>` : nothing}
        <div class="bubble">${this.content()}</div>
        <div class="foot"><time datetime=${m.created_at} title=${dateTime(m.created_at)}>${timeOfDay(m.created_at)}</time>${this.delivery()}</div>
      </div>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    :host { display: block; }
    .msg { display: flex; flex-direction: column; max-width: min(75%, 36rem); margin: 0.25rem 0; }
    .msg.user { align-items: flex-start; margin-right: auto; }
    .msg.operator, .msg.bot { align-items: flex-end; margin-left: auto; }
    .msg.system { align-items: center; margin: 0.5rem auto; max-width: 90%; }
    .who { font-size: 0.72rem; color: var(--lc-muted); margin: 0 0.4rem 0.1rem; }
    .bubble { padding: 0.5rem 0.75rem; border-radius: 1rem; overflow-wrap: anywhere; }
    .user .bubble { background: #f1f5f9; color: #1e293b; border-top-left-radius: 0.25rem; }
    .operator .bubble { background: #6366f1; color: #fff; border-top-right-radius: 0.25rem; }
    .bot .bubble { background: #fff; color: #1e293b; border: 1px solid #cbd5e1; border-top-right-radius: 0.25rem; }
    .system .bubble { background: none; color: #64748b; text-align: center; padding: 0.1rem 0.5rem; font-size: 0.85rem; }
    .text { white-space: pre-wrap; }
    .kind { font-weight: 600; display: flex; align-items: center; gap: 0.35rem; }
    .failed { display: inline-flex; align-items: center; gap: 0.25rem; }
    .small { font-size: 0.8rem; opacity: 0.85; }
    .sticker img { display: block; width: 96px; height: 96px; object-fit: contain; }
    .operator a { color: #fff; }
    .foot { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; font-size: 0.7rem; color: var(--lc-muted); margin: 0.1rem 0.4rem 0; }
    .sent { color: #047857; }
    .failed { color: #b91c1c; font-weight: 600; }
    .why { font-weight: 400; }
    .retry { font-size: 0.75rem; padding: 0.1rem 0.5rem; border-color: #b91c1c; color: #b91c1c; }
    .placeholder { font-style: italic; }
    .thumb { display: block; padding: 0; border: none; background: none; cursor: zoom-in; border-radius: 0.5rem; overflow: hidden; }
    .thumb img { display: block; max-width: min(240px, 60vw); max-height: 240px; object-fit: contain; }
    .viewer { padding: 0; border: none; background: transparent; max-width: 100vw; max-height: 100vh; }
    .viewer::backdrop { background: rgb(15 23 42 / 0.85); }
    .viewer img { display: block; max-width: 96vw; max-height: 88vh; object-fit: contain; margin: auto; }
    .viewer .close { display: block; margin: 0.5rem auto 0; background: #fff; }
    .player { display: block; max-width: min(320px, 65vw); }
    video.player { max-height: 240px; }
    .file { display: flex; align-items: center; gap: 0.4rem; color: inherit; }
  `,
  ];
}
customElements.define('llc-message-bubble', MessageBubble);
