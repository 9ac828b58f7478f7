// SQL for the settings table: named JSON values the operators can change at run time.
import type { Queryable } from '../db/sql';

export class SettingsTable {
  constructor(private readonly q: Queryable) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.q.row<{ value: T }>(`SELECT value FROM settings WHERE key = $1`, [key]);
    return row?.value;
  }

  async all(): Promise<Record<string, unknown>> {
    const rows = await this.q.rows<{ key: string; value: unknown }>(`SELECT key, value FROM settings ORDER BY key`);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.q.exec(
      `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }
}
