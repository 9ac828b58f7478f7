// Handing the chat to another operator (issue 11): a modal <dialog> with the active operators
// (not the holder) and an optional note for them. The parent sets `open` and `holderId`; the
// choice comes back as 'transfer' {operatorId, note}, or 'cancel'.
import { css, html, nothing } from 'lit';
import { t } from '../core/i18n';
import { api } from '../core/api';
import { tokens } from '../core/styles';
import { chatTokens } from './chat-styles';
import { ChatDialog } from './chat-dialog';
import type { OperatorChoice } from './types';
import './strings';

export interface TransferRequest {
  operatorId: number;
  note: string;
}

export class TransferDialog extends ChatDialog {
  static properties = { holderId: { attribute: false }, operators: { state: true }, error: { state: true } };
  /** The operator who holds the chat now (not offered). */
  holderId: number | null = null;
  operators: OperatorChoice[] | null = null;
  error = '';

  protected opened(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    this.operators = null;
    this.error = '';
    try {
      this.operators = (await api.get<{ operators: OperatorChoice[] }>('/admin/live-chat/operators')).operators;
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  private submit(e: Event): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const operatorId = Number(data.get('operator'));
    if (!operatorId) return;
    const request: TransferRequest = { operatorId, note: String(data.get('note') ?? '').trim() };
    this.answer('transfer', request);
  }

  render() {
    const choices = (this.operators ?? []).filter((o) => o.id !== this.holderId);
    return html`
      <dialog aria-labelledby="heading" @close=${() => this.answer('cancel')} @cancel=${() => this.answer('cancel')}>
        <form @submit=${this.submit}>
          <h2 id="heading">${t('lc.transfer.title')}</h2>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          ${this.operators && choices.length === 0 ? html`<p class="muted">${t('lc.transfer.none')}</p>` : nothing}
          <label>${t('lc.transfer.to')}
            <select name="operator" required ?disabled=${!this.operators || choices.length === 0}>
              ${choices.map((o) => html`<option value=${o.id}>${o.display_name} (${o.username})</option>`)}
            </select>
          </label>
          <label>${t('lc.transfer.note')}<textarea name="note" rows="3" maxlength="2000"></textarea></label>
          <div class="actions">
            <button type="button" @click=${() => this.answer('cancel')}>${t('lc.cancel')}</button>
            <button type="submit" class="send" ?disabled=${choices.length === 0}>${t('lc.transfer.confirm')}</button>
          </div>
        </form>
      </dialog>
    `;
  }

  static styles = [
    tokens,
    chatTokens,
    css`
    dialog { border: none; border-radius: 0.75rem; padding: 1.25rem; width: min(26rem, 92vw); box-sizing: border-box; box-shadow: 0 10px 30px rgb(0 0 0 / 0.2); color: var(--llc-text); }
    dialog::backdrop { background: rgb(15 23 42 / 0.4); }
    form { display: grid; gap: 0.75rem; }
    h2 { margin: 0; font-size: 1.1rem; }
    label { display: grid; gap: 0.25rem; font-size: 0.9rem; }
    select, textarea { width: 100%; box-sizing: border-box; }
    .actions { display: flex; justify-content: flex-end; gap: 0.5rem; }
    .error { color: #b91c1c; margin: 0; }
    p { margin: 0; }
  `,
  ];
}
customElements.define('llc-transfer-dialog', TransferDialog);
