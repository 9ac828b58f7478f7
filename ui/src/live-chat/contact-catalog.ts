// The labels and contact fields admins define, fetched once and kept current by the live
// 'contact_catalog' update (and again after a reconnect). Every inbox component that shows a
// label by id, or the fields, reads them here; 'change' fires when they change.
import { api } from '../core/api';
import { realtime } from '../core/realtime';
import type { ContactField, Label } from './types';

class ContactCatalog extends EventTarget {
  labels: Label[] = [];
  fields: ContactField[] = [];
  private started = false;

  /** Loads the catalog (once; later calls only reload) and follows its live updates. */
  start(): void {
    if (!this.started) {
      this.started = true;
      realtime.addEventListener('contact_catalog', (e) => this.take((e as CustomEvent).detail));
      realtime.addEventListener('hello', () => void this.load());
    }
    void this.load();
  }

  label(id: number): Label | undefined {
    return this.labels.find((l) => l.id === id);
  }

  async load(): Promise<void> {
    try {
      const [labels, fields] = await Promise.all([
        api.get<{ labels: Label[] }>('/admin/live-chat/labels'),
        api.get<{ fields: ContactField[] }>('/admin/live-chat/contact-fields'),
      ]);
      this.take({ labels: labels.labels, fields: fields.fields });
    } catch {
      // shown without labels' names until the next hello
    }
  }

  take(detail: { labels?: Label[]; fields?: ContactField[] } | undefined): void {
    if (!detail) return;
    if (detail.labels) this.labels = detail.labels;
    if (detail.fields) this.fields = detail.fields;
    this.dispatchEvent(new Event('change'));
  }
}

export const catalog = new ContactCatalog();
