// SQL for the settings table: named JSON values the operators can change at run time.
import type { Queryable } from '../db/sql';

/**
 * all() is read on every message (keywords, greeting): its answer is kept this long. A change
 * through set() in this process is seen at once; one made by another instance on the same
 * database, within this time.
 */
export const SETTINGS_CACHE_MS = 5000;

/** Bumped by every set(), in any table instance (a transaction's too): cached answers before it are stale. */
let generation = 0;

export class SettingsTable {
  private cached?: { generation: number; expires: number; value: Promise<Record<string, unknown>> };

  constructor(private readonly q: Queryable) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.q.row<{ value: T }>(`SELECT value FROM settings WHERE key = $1`, [key]);
    return row?.value;
  }

  /** Every stored setting; a copy, so callers may change it. */
  async all(): Promise<Record<string, unknown>> {
    return structuredClone(await this.shared());
  }

  /**
   * Every stored setting, the cached object itself: the same object until a set() or the expiry,
   * so a reader may key what it derives from it on it (readSettings does). Never to be changed.
   */
  shared(): Promise<Readonly<Record<string, unknown>>> {
    const now = Date.now();
    if (!this.cached || this.cached.generation !== generation || this.cached.expires <= now) {
      const entry = { generation, expires: now + SETTINGS_CACHE_MS, value: this.read() };
      this.cached = entry;
      // A failed read is not kept.
      entry.value.catch(() => {
        if (this.cached === entry) this.cached = undefined;
      });
    }
    return this.cached.value;
  }

  private async read(): Promise<Record<string, unknown>> {
    const rows = await this.q.rows<{ key: string; value: unknown }>(`SELECT key, value FROM settings ORDER BY key`);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async set(key: string, value: unknown): Promise<void> {
    generation += 1;
    await this.q.exec(
      `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
    // Again after the write: a read that started meanwhile may have cached the old value.
    generation += 1;
  }
}
