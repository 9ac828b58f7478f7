// The Team replies tab (issue 11): the canned responses every operator finds with `/` in the
// composer. Admins add, edit and remove them: a title, a shortcut, and a text or a LINE message
// object as JSON (Flex, quick reply…), with {displayName} and {operatorName} filled at send. A 400
// names the field at fault. The replies saved in this browser before (the composer's old "Saved"
// tab) are imported from here, and then forgotten in this browser.
import { css, html, nothing } from 'lit';
import { tokens } from '../core/styles';
import { registerStrings, t } from '../core/i18n';
import { ApiError } from '../core/api';
import { SettingsPanel } from './settings-panel';
import { panelStyles } from './panel-styles';
import { cannedPreview, createCanned, deleteCanned, listCanned, updateCanned, type CannedValues } from '../live-chat/canned-api';
import { forgetSaved, loadSaved } from '../live-chat/reply-picker';
import type { CannedResponse } from '../live-chat/types';

registerStrings({
  th: {
    'canned.title': 'ข้อความของทีม',
    'canned.intro': 'ข้อความสำเร็จรูปที่เจ้าหน้าที่ทุกคนใช้ได้: พิมพ์ / ตามด้วยคีย์ลัดในช่องพิมพ์ ใส่ {displayName} (ชื่อลูกค้า) และ {operatorName} (ชื่อเจ้าหน้าที่) ได้ ระบบจะเติมให้ตอนส่ง',
    'canned.add': 'เพิ่มข้อความ',
    'canned.edit': 'แก้ไข',
    'canned.delete': 'ลบ',
    'canned.delete.confirm': 'ลบ "{title}" ?',
    'canned.none': 'ยังไม่มีข้อความของทีม',
    'canned.loading': 'กำลังโหลด…',
    'canned.load-failed': 'โหลดไม่สำเร็จ: {error}',
    'canned.field.title': 'ชื่อ',
    'canned.field.shortcut': 'คีย์ลัด (หลัง /)',
    'canned.field.kind': 'ชนิด',
    'canned.kind.text': 'ข้อความธรรมดา',
    'canned.kind.json': 'LINE message object (JSON)',
    'canned.field.text': 'ข้อความ',
    'canned.field.message': 'LINE message object (JSON) เช่น Flex หรือข้อความพร้อม quick reply',
    'canned.badjson': 'JSON ไม่ถูกต้อง: {error}',
    'canned.save': 'บันทึก',
    'canned.cancel': 'ยกเลิก',
    'canned.saved': 'บันทึกแล้ว',
    'canned.deleted': 'ลบแล้ว',
    'canned.import': 'นำเข้า {n} ข้อความที่บันทึกในเบราว์เซอร์นี้',
    'canned.imported': 'นำเข้า {n} ข้อความแล้ว และลบออกจากเบราว์เซอร์นี้',
    'canned.import-failed': 'นำเข้า "{name}" ไม่ได้: {error}',
    'canned.col.shortcut': 'คีย์ลัด',
    'canned.col.title': 'ชื่อ',
    'canned.col.message': 'ข้อความ',
    'canned.col.actions': 'จัดการ',
  },
  en: {
    'canned.title': 'Team replies',
    'canned.intro':
      'Ready replies every operator can use: type / and the shortcut in the message box. {displayName} (the customer) and {operatorName} (the operator) are filled in when sent.',
    'canned.add': 'Add a reply',
    'canned.edit': 'Edit',
    'canned.delete': 'Delete',
    'canned.delete.confirm': 'Delete "{title}"?',
    'canned.none': 'No team replies yet',
    'canned.loading': 'Loading…',
    'canned.load-failed': 'Could not load them: {error}',
    'canned.field.title': 'Title',
    'canned.field.shortcut': 'Shortcut (after /)',
    'canned.field.kind': 'Kind',
    'canned.kind.text': 'Plain text',
    'canned.kind.json': 'LINE message object (JSON)',
    'canned.field.text': 'Text',
    'canned.field.message': 'LINE message object (JSON), e.g. Flex or a text with quick replies',
    'canned.badjson': 'Not valid JSON: {error}',
    'canned.save': 'Save',
    'canned.cancel': 'Cancel',
    'canned.saved': 'Saved',
    'canned.deleted': 'Deleted',
    'canned.import': 'Import {n} replies saved in this browser',
    'canned.imported': 'Imported {n} replies and removed them from this browser',
    'canned.import-failed': 'Could not import "{name}": {error}',
    'canned.col.shortcut': 'Shortcut',
    'canned.col.title': 'Title',
    'canned.col.message': 'Message',
    'canned.col.actions': 'Actions',
  },
});

type Draft = { id: number | null; title: string; shortcut: string; kind: 'text' | 'json'; body: string };

/** A shortcut made from a name: letters and digits kept, the rest as -, at most 32. */
function shortcutFrom(name: string, n: number): string {
  const base =
    name
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}_-]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 28) || 'saved';
  return n === 0 ? base : `${base}-${n + 1}`;
}

export class CannedPanel extends SettingsPanel {
  static properties = {
    list: { state: true },
    loadError: { state: true },
    draft: { state: true },
    errors: { state: true },
    status: { state: true },
    busy: { state: true },
    saved: { state: true },
  };
  list: CannedResponse[] | null = null;
  loadError = '';
  draft: Draft | null = null;
  errors: Record<string, string> = {};
  status: { ok: boolean; text: string } | null = null;
  busy = false;
  saved = loadSaved();

  protected async load(): Promise<void> {
    try {
      this.list = await listCanned();
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    }
  }

  private edit(c: CannedResponse | null): void {
    this.errors = {};
    this.status = null;
    this.draft = c
      ? {
          id: c.id,
          title: c.title,
          shortcut: c.shortcut,
          ...(c.message.type === 'text' && Object.keys(c.message).length === 2
            ? { kind: 'text', body: String(c.message.text) }
            : { kind: 'json', body: JSON.stringify(c.message, null, 2) }),
        }
      : { id: null, title: '', shortcut: '', kind: 'text', body: '' };
  }

  private async save(e: Event): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const kind = data.get('kind') === 'json' ? 'json' : 'text';
    const draft: Draft = {
      id: this.draft!.id,
      title: String(data.get('title') ?? ''),
      shortcut: String(data.get('shortcut') ?? ''),
      kind,
      body: String(data.get('body') ?? ''),
    };
    this.draft = draft;
    const values: CannedValues = { title: draft.title, shortcut: draft.shortcut };
    if (kind === 'text') values.text = draft.body;
    else {
      try {
        values.message = JSON.parse(draft.body);
      } catch (err) {
        this.errors = { message: t('canned.badjson', { error: (err as Error).message }) };
        return;
      }
    }
    this.busy = true;
    this.errors = {};
    try {
      if (draft.id === null) await createCanned(values);
      else await updateCanned(draft.id, values);
      this.draft = null;
      this.status = { ok: true, text: t('canned.saved') };
      await this.load();
    } catch (err) {
      const field = err instanceof ApiError ? (err.field ?? (err.body?.field as string | undefined)) : undefined;
      const at = field === 'text' && kind === 'json' ? 'message' : field === 'message' && kind === 'text' ? 'text' : field;
      this.errors = { [at ?? 'form']: (err as Error).message };
    } finally {
      this.busy = false;
    }
  }

  private async removeReply(c: CannedResponse): Promise<void> {
    if (!confirm(t('canned.delete.confirm', { title: c.title }))) return;
    try {
      await deleteCanned(c.id);
      this.status = { ok: true, text: t('canned.deleted') };
    } catch (err) {
      this.status = { ok: false, text: (err as Error).message };
    }
    await this.load();
  }

  /** Each reply saved in this browser becomes a team reply (its shortcut made from its name); those imported are forgotten here. */
  private async importSaved(): Promise<void> {
    this.busy = true;
    const imported: string[] = [];
    const failures: string[] = [];
    for (const reply of this.saved) {
      for (let n = 0; n < 20; n++) {
        try {
          await createCanned({ title: reply.name.slice(0, 100), shortcut: shortcutFrom(reply.name, n), message: reply.message });
          imported.push(reply.name);
          break;
        } catch (err) {
          const taken = err instanceof ApiError && err.status === 409 && err.body?.field === 'shortcut';
          if (!taken) {
            failures.push(t('canned.import-failed', { name: reply.name, error: (err as Error).message }));
            break;
          }
        }
      }
    }
    forgetSaved(imported);
    this.saved = loadSaved();
    this.status = { ok: failures.length === 0, text: [t('canned.imported', { n: imported.length }), ...failures].join(' · ') };
    this.busy = false;
    await this.load();
  }

  private form() {
    const d = this.draft!;
    const err = (field: string) => (this.errors[field] ? html`<span class="field-error" role="alert">${this.errors[field]}</span>` : nothing);
    return html`<form class="editor" @submit=${this.save}>
      <label>${t('canned.field.title')}<input name="title" .value=${d.title} maxlength="100" required aria-invalid=${this.errors.title ? 'true' : 'false'}>${err('title')}</label>
      <label>${t('canned.field.shortcut')}<input name="shortcut" .value=${d.shortcut} maxlength="32" required aria-invalid=${this.errors.shortcut ? 'true' : 'false'}>${err('shortcut')}</label>
      <fieldset><legend>${t('canned.field.kind')}</legend>
        <label class="inline"><input type="radio" name="kind" value="text" .checked=${d.kind === 'text'} @change=${() => (this.draft = { ...d, kind: 'text' })}> ${t('canned.kind.text')}</label>
        <label class="inline"><input type="radio" name="kind" value="json" .checked=${d.kind === 'json'} @change=${() => (this.draft = { ...d, kind: 'json' })}> ${t('canned.kind.json')}</label>
      </fieldset>
      <label>${d.kind === 'text' ? t('canned.field.text') : t('canned.field.message')}
        <textarea name="body" rows=${d.kind === 'text' ? 4 : 10} class=${d.kind} .value=${d.body} required
          aria-invalid=${this.errors.text || this.errors.message ? 'true' : 'false'}></textarea>${err(d.kind === 'text' ? 'text' : 'message')}</label>
      ${err('form')}
      <div class="actions">
        <button type="button" @click=${() => (this.draft = null)}>${t('canned.cancel')}</button>
        <button type="submit" class="primary" ?disabled=${this.busy}>${t('canned.save')}</button>
      </div>
    </form>`;
  }

  render() {
    return html`
      <div class="toolbar">
        <h2>${t('canned.title')}</h2>
        <div class="tools">
          ${this.saved.length ? html`<button class="import" ?disabled=${this.busy} @click=${this.importSaved}>${t('canned.import', { n: this.saved.length })}</button>` : nothing}
          <button class="primary" @click=${() => this.edit(null)}>${t('canned.add')}</button>
        </div>
      </div>
      <p class="intro">${t('canned.intro')}</p>
      <p class="status ${this.status?.ok ? 'ok' : 'failed'}" role="status">${this.status?.text ?? ''}</p>
      ${this.draft ? this.form() : nothing}
      ${this.loadError ? html`<p class="status failed" role="alert">${t('canned.load-failed', { error: this.loadError })}</p>` : nothing}
      ${!this.list && !this.loadError ? html`<p class="loading">${t('canned.loading')}</p>` : nothing}
      ${this.list && this.list.length === 0 ? html`<p class="loading">${t('canned.none')}</p>` : nothing}
      ${
        this.list?.length
          ? html`<ul class="cards" aria-label=${t('canned.title')}>
        ${this.list.map(
          (c) => html`<li data-shortcut=${c.shortcut}>
            <span class="shortcut">/${c.shortcut}</span>
            <strong class="title">${c.title}</strong>
            <span class="row-actions">
              <button @click=${() => this.edit(c)}>${t('canned.edit')}</button>
              <button class="danger" @click=${() => this.removeReply(c)}>${t('canned.delete')}</button>
            </span>
            <span class="preview">${cannedPreview(c.message)}</span>
          </li>`,
        )}
      </ul>`
          : nothing
      }
    `;
  }

  static styles = [
    tokens,
    panelStyles,
    css`
    .tools { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .editor { display: grid; gap: 0.6rem; max-width: 40rem; padding: 0.75rem; margin-bottom: 1rem; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); background: var(--llc-bg); }
    label { display: grid; gap: 0.25rem; font-size: 0.9rem; }
    label.inline { display: inline-flex; align-items: center; gap: 0.3rem; margin-right: 1rem; }
    fieldset { border: none; padding: 0; margin: 0; }
    legend { font-size: 0.9rem; padding: 0; margin-bottom: 0.2rem; }
    input, textarea { width: 100%; box-sizing: border-box; }
    input[type='radio'] { width: auto; }
    textarea.json { font-family: ui-monospace, monospace; font-size: 0.8rem; }
    .field-error { color: var(--llc-red); font-size: 0.85rem; }
    .actions { display: flex; justify-content: flex-end; gap: 0.5rem; }
    .cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
    .cards li { display: grid; grid-template-columns: auto 1fr auto; gap: 0.2rem 0.75rem; align-items: baseline; padding: 0.6rem 0.75rem; border: 1px solid var(--llc-border); border-radius: var(--llc-radius); background: var(--llc-surface, #fff); }
    .shortcut { font-family: ui-monospace, monospace; color: #047857; font-weight: 600; }
    .title { min-width: 0; overflow-wrap: anywhere; }
    .preview { grid-column: 1 / -1; color: var(--llc-grey); font-size: 0.85rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .row-actions { display: flex; gap: 0.4rem; }
    @media (max-width: 640px) {
      .cards li { grid-template-columns: 1fr; }
      .row-actions { order: 1; justify-content: flex-end; }
    }
  `,
  ];
}
customElements.define('llc-canned-panel', CannedPanel);
