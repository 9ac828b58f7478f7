// SQL for the media table (migration 0016): the bytes of users' media messages, fetched from
// LINE, and of operators' uploads, with the work of fetching (PENDING rows under a lease).
import type { Queryable } from '../db/sql';

export type MediaStatus = 'PENDING' | 'STORED' | 'GONE' | 'TOO_LARGE' | 'FAILED';

/** A media row without its bytes. */
export interface MediaRow {
  media_key: string;
  direction: 'IN' | 'OUT';
  message_id: number | null;
  contact_id: number | null;
  line_message_id: string | null;
  webhook_event_id: string | null;
  status: MediaStatus;
  content_type: string | null;
  file_name: string | null;
  byte_size: number | null;
  has_preview: boolean;
  attempts: number;
  error: string | null;
  public_key: string | null;
  public_until: Date | null;
  created_at: Date;
}

/** A user's media to fetch, with the credential of the webhook that brought it. */
export interface MediaFetch extends MediaRow {
  credential_ref: string | null;
}

export interface MediaContent {
  status: MediaStatus;
  content_type: string | null;
  file_name: string | null;
  data: Buffer | null;
}

export interface MediaUpload {
  contact_id: number;
  operator_id: number;
  content_type: string;
  file_name: string;
  data: Buffer;
  preview: Buffer | null;
  /** How long LINE (and the user, for a file sent as a link) may fetch it without a login. */
  publicForMs: number;
}

const COLUMNS = `media_key, direction, message_id, contact_id, line_message_id, webhook_event_id, status, content_type, file_name,
  byte_size, preview IS NOT NULL AS has_preview, attempts, error, public_key, public_until, created_at`;

/** A name nobody can guess (as media_key's default): two v4 UUIDs, 244 random bits. */
const RANDOM_KEY = `replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`;

export class MediaTable {
  constructor(private readonly q: Queryable) {}

  byKey(key: string): Promise<MediaRow | undefined> {
    return this.q.row<MediaRow>(`SELECT ${COLUMNS} FROM media WHERE media_key = $1`, [key]);
  }

  /**
   * Takes the PENDING fetches of these messages that nobody holds (a lease of `leaseMs`, one
   * more attempt); what another instance holds is left to it.
   */
  claimForMessages(messageIds: number[], leaseMs: number): Promise<MediaFetch[]> {
    return this.claim(`message_id = ANY($2::int[])`, [leaseMs, `{${messageIds.join(',')}}`]);
  }

  /**
   * Takes up to `limit` PENDING fetches whose lease ran out (a crash mid-fetch, a failed try) or
   * that nobody took within `minAgeMs` of their message (the in-process path had its chance).
   */
  claimDue(limit: number, leaseMs: number, minAgeMs: number): Promise<MediaFetch[]> {
    return this.claim(
      `media_key IN (SELECT media_key FROM media WHERE status = 'PENDING'
         AND (lease_until < now() OR (lease_until IS NULL AND created_at < now() - make_interval(secs => $2::double precision / 1000)))
         ORDER BY lease_until NULLS FIRST LIMIT $3 FOR UPDATE SKIP LOCKED)`,
      [leaseMs, minAgeMs, limit],
    );
  }

  private claim(where: string, params: (string | number)[]): Promise<MediaFetch[]> {
    return this.q.rows<MediaFetch>(
      `UPDATE media SET attempts = attempts + 1, lease_until = now() + make_interval(secs => $1::double precision / 1000)
       WHERE status = 'PENDING' AND (lease_until IS NULL OR lease_until < now()) AND ${where}
       RETURNING ${COLUMNS}, (SELECT w.credential_ref FROM webhook_events w WHERE w.webhook_event_id = media.webhook_event_id) AS credential_ref`,
      params,
    );
  }

  /** A fetched item's bytes, stored once (a second fetch of the same item changes nothing). */
  stored(key: string, item: { content_type: string; data: Buffer; preview: Buffer | null }): Promise<MediaRow | undefined> {
    return this.q.row<MediaRow>(
      `UPDATE media SET status = 'STORED', content_type = $2, data = $3, preview = $4, byte_size = $5, lease_until = NULL, error = NULL
       WHERE media_key = $1 AND status = 'PENDING' RETURNING ${COLUMNS}`,
      [key, item.content_type, item.data, item.preview, item.data.length],
    );
  }

  /** Ends a fetch without bytes: LINE no longer holds them (GONE), too large to keep, or given up. */
  ended(key: string, status: 'GONE' | 'TOO_LARGE' | 'FAILED', error: string, byteSize: number | null = null): Promise<MediaRow | undefined> {
    return this.q.row<MediaRow>(
      `UPDATE media SET status = $2, error = $3, byte_size = $4, lease_until = NULL
       WHERE media_key = $1 AND status = 'PENDING' RETURNING ${COLUMNS}`,
      [key, status, error.slice(0, 1000), byteSize],
    );
  }

  /** A failed try: the next one after `retryInMs` (the lease runs until then). */
  retryLater(key: string, error: string, retryInMs: number): Promise<number> {
    return this.q.exec(
      `UPDATE media SET error = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000)
       WHERE media_key = $1 AND status = 'PENDING'`,
      [key, error.slice(0, 1000), retryInMs],
    );
  }

  /** An operator's upload, stored before it is sent; LINE fetches it by its public key. */
  insertUpload(upload: MediaUpload): Promise<MediaRow> {
    return this.q.row<MediaRow>(
      `INSERT INTO media (direction, contact_id, operator_id, status, content_type, file_name, byte_size, data, preview,
         public_key, public_until)
       VALUES ('OUT', $1, $2, 'STORED', $3, $4, $5, $6, $7, ${RANDOM_KEY}, now() + make_interval(secs => $8::double precision / 1000))
       RETURNING ${COLUMNS}`,
      [upload.contact_id, upload.operator_id, upload.content_type, upload.file_name, upload.data.length, upload.data, upload.preview, upload.publicForMs],
    ) as Promise<MediaRow>;
  }

  /** Removes an upload that was never sent (nothing refers to it). */
  async deleteUnsent(key: string): Promise<void> {
    await this.q.exec(`DELETE FROM media WHERE media_key = $1 AND direction = 'OUT' AND message_id IS NULL`, [key]);
  }

  /** The upload went out as this message. */
  async attachToMessage(key: string, messageId: number): Promise<void> {
    await this.q.exec(`UPDATE media SET message_id = $2 WHERE media_key = $1`, [key, messageId]);
  }

  /** The bytes for an operator (the original, or the preview image when there is one). */
  content(key: string, part: 'original' | 'preview'): Promise<MediaContent | undefined> {
    return this.q.row<MediaContent>(
      part === 'original'
        ? `SELECT status, content_type, file_name, data FROM media WHERE media_key = $1`
        : `SELECT status, 'image/jpeg' AS content_type, file_name, preview AS data FROM media WHERE media_key = $1 AND preview IS NOT NULL`,
      [key],
    );
  }

  /** The bytes for LINE (or the user following a file link), while the public link lasts. */
  publicContent(publicKey: string, part: 'original' | 'preview'): Promise<MediaContent | undefined> {
    return this.q.row<MediaContent>(
      `SELECT status, ${part === 'original' ? 'content_type' : `'image/jpeg' AS content_type`}, file_name, ${part === 'original' ? 'data' : 'preview AS data'}
       FROM media WHERE public_key = $1 AND public_until > now() AND ${part === 'original' ? 'data' : 'preview'} IS NOT NULL`,
      [publicKey],
    );
  }
}
