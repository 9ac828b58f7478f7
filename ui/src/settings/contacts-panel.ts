// The Contacts tab (issue 11): the custom contact fields (name, type, order) and the labels
// (name, colour) that operators use in the chat. Each row saves on its own; a refusal is shown
// in the API's words above the list. Adding, renaming and deleting reach open inboxes live.
import { css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { t } from '../core/i18n';
import { api, request } from '../core/api';
import { SettingsPanel } from './settings-panel';
import { panelStyles } from './panel-styles';
import type { ContactField, ContactFieldType, Label } from '../live-chat/types';
import '../live-chat/contact-strings';
import './confirm-dialog';

const TYPES: ContactFieldType[] = ['text', 'phone', 'email', 'number'];
type Target = { kind: 'field' | 'label'; id: number; name: string };

export class ContactsPanel extends SettingsPanel {
  static properties = {
    fields: { state: true },
    labels: { state: true },
    status: { state: true },
    deleting: { state: true },
    busy: { state: true },
  };
  fields: ContactField[] = [];
  labels: Label[] = [];
  status: { ok: boolean; text: string } | null = null;
  deleting: Target | null = null;
  busy = false;

  protected async load(): Promise<void> {
    try {
      const [fields, labels] = await Promise.all([
        api.get<{ fields: ContactField[] }>('/admin/live-chat/contact-fields'),
        api.get<{ labels: Label[] }>('/admin/live-chat/labels'),
      ]);
      this.fields = fields.fields;
      this.labels = labels.labels;
    } catch (err) {
      this.status = { ok: false, text: t('cd.settings.failed', { error: (err as Error).message }) };
    }
  }

  private async run(work: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.status = null;
    try {
      await work();
      await this.load();
      return true;
    } catch (err) {
      this.status = { ok: false, text: t('cd.settings.failed', { error: (err as Error).message }) };
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** The named inputs of a row's form. */
  private read(form: HTMLFormElement): Record<string, string> {
    return Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v)]));
  }

  private addField(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = this.read(form);
    void this.run(() => api.post('/admin/live-chat/contact-fields', { name: v.name, type: v.type })).then((ok) => ok && form.reset());
  }

  private saveField(e: Event, id: number): void {
    e.preventDefault();
    const v = this.read(e.target as HTMLFormElement);
    void this.run(() => request('PATCH', `/admin/live-chat/contact-fields/${id}`, { name: v.name, type: v.type, position: Number(v.position) }));
  }

  private addLabel(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = this.read(form);
    void this.run(() => api.post('/admin/live-chat/labels', { name: v.name, color: v.color })).then((ok) => ok && form.reset());
  }

  private saveLabel(e: Event, id: number): void {
    e.preventDefault();
    const v = this.read(e.target as HTMLFormElement);
    void this.run(() => request('PATCH', `/admin/live-chat/labels/${id}`, { name: v.name, color: v.color }));
  }

  private confirmDelete(): void {
    const target = this.deleting;
    if (!target) return;
    const path = target.kind === 'field' ? `/admin/live-chat/contact-fields/${target.id}` : `/admin/live-chat/labels/${target.id}`;
    void this.run(() => api.delete(path)).then(() => (this.deleting = null));
  }

  private typeSelect(selected: ContactFieldType) {
    return html`<select name="type" aria-label=${t('cd.settings.type')}>
      ${TYPES.map((type) => html`<option value=${type} ?selected=${type === selected}>${t(`cd.type.${type}`)}</option>`)}
    </select>`;
  }

  render() {
    return html`
      ${this.status ? html`<p class="status ${this.status.ok ? 'ok' : 'failed'}" role="alert">${this.status.text}</p>` : nothing}
      <section aria-labelledby="fields-title">
        <h2 id="fields-title">${t('cd.settings.fields')}</h2>
        <p class="intro">${t('cd.settings.fields.intro')}</p>
        <ul>
          ${this.fields.map(
            (f) => html`<li><form class="row" data-field=${f.id} @submit=${(e: Event) => this.saveField(e, f.id)}>
              <input name="name" .value=${f.name} maxlength="100" required aria-label=${t('cd.settings.name')}>
              ${this.typeSelect(f.type)}
              <input name="position" class="order" type="number" min="0" max="10000" .value=${String(f.position)} aria-label=${t('cd.settings.order')}>
              <button type="submit" ?disabled=${this.busy}>${t('cd.settings.save')}</button>
              <button type="button" class="danger" ?disabled=${this.busy} aria-label=${t('cd.settings.delete', { name: f.name })}
                @click=${() => (this.deleting = { kind: 'field', id: f.id, name: f.name })}>✕</button>
            </form></li>`,
          )}
          ${this.fields.length === 0 ? html`<li class="muted">${t('cd.settings.empty')}</li>` : nothing}
        </ul>
        <form class="row add" data-testid="add-field" @submit=${this.addField}>
          <input name="name" maxlength="100" required placeholder=${t('cd.settings.name')} aria-label=${t('cd.settings.name')}>
          ${this.typeSelect('text')}
          <button type="submit" class="primary" ?disabled=${this.busy}>${t('cd.settings.add')}</button>
        </form>
      </section>
      <section aria-labelledby="labels-title">
        <h2 id="labels-title">${t('cd.settings.labels')}</h2>
        <p class="intro">${t('cd.settings.labels.intro')}</p>
        <ul>
          ${this.labels.map(
            (l) => html`<li><form class="row" data-label=${l.id} @submit=${(e: Event) => this.saveLabel(e, l.id)}>
              <input name="color" type="color" .value=${l.color} aria-label=${t('cd.settings.color')}>
              <input name="name" .value=${l.name} maxlength="50" required aria-label=${t('cd.settings.name')}>
              <button type="submit" ?disabled=${this.busy}>${t('cd.settings.save')}</button>
              <button type="button" class="danger" ?disabled=${this.busy} aria-label=${t('cd.settings.delete', { name: l.name })}
                @click=${() => (this.deleting = { kind: 'label', id: l.id, name: l.name })}>✕</button>
            </form></li>`,
          )}
          ${this.labels.length === 0 ? html`<li class="muted">${t('cd.settings.empty')}</li>` : nothing}
        </ul>
        <form class="row add" data-testid="add-label" @submit=${this.addLabel}>
          <input name="color" type="color" value="#7367f0" aria-label=${t('cd.settings.color')}>
          <input name="name" maxlength="50" required placeholder=${t('cd.settings.name')} aria-label=${t('cd.settings.name')}>
          <button type="submit" class="primary" ?disabled=${this.busy}>${t('cd.settings.add')}</button>
        </form>
      </section>
      <llc-confirm-dialog ?open=${this.deleting !== null} danger .heading=${this.deleting ? t('cd.settings.delete', { name: this.deleting.name }) : ''}
        .message=${this.deleting ? t('cd.settings.confirm', { name: this.deleting.name }) : ''}
        .confirmLabel=${this.deleting ? t('cd.settings.delete', { name: this.deleting.name }) : ''} ?busy=${this.busy}
        @confirm=${this.confirmDelete} @cancel=${() => (this.deleting = null)}></llc-confirm-dialog>
    `;
  }

  static styles = [
    tokens,
    panelStyles,
    css`
    section { margin-bottom: 1.5rem; }
    ul { list-style: none; margin: 0 0 0.5rem; padding: 0; display: grid; gap: 0.4rem; }
    .row { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
    .row input[name='name'] { flex: 1 1 10rem; min-width: 0; }
    .order { width: 4.5rem; }
    input[type='color'] { width: 2.5rem; height: 2.1rem; padding: 0.1rem; }
    .muted { color: var(--llc-grey); }
  `,
  ];
}
customElements.define('llc-contacts-panel', ContactsPanel);
