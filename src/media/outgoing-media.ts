// Images and files an operator sends from their computer. Checked against LINE's limits first;
// stored (with a JPEG preview made by sharp for an image); then sent as LINE allows a bot:
// - a JPEG or PNG as an image message (original ≤ 10 MB, preview ≤ 1 MB), whose URLs LINE fetches;
// - anything else as a text message with a link to the file (the Messaging API has no file
//   message a bot can send: files are a type users send only).
// Both are served without a login at an unguessable public link under the public base URL, for
// publicLinkMs; LINE fetches only over HTTPS, so the public base must be https.
import type { Store } from '../store/store';
import type { OperatorView } from '../auth/operators';
import type { SendResult } from '../line/line-sender';
import { badRequest, conflict } from '../http/errors';
import type { OperatorMessages } from '../live-chat/operator-messages';
import type { ChatSessions } from '../live-chat/chat-sessions';
import { messageMedia } from './incoming-media';
import { LINE_IMAGE_MAX_BYTES, LINE_IMAGE_TYPES, LINE_PREVIEW_MAX_BYTES, type MediaOptions, makePreview } from './media-options';

export interface UploadedFile {
  data: Buffer;
  /** As the browser named it (Content-Type); checked against the bytes for images. */
  contentType: string;
  fileName: string;
}

export const MAX_FILE_NAME_LENGTH = 200;
/** Where the public links live under the API (routes/media). */
export const PUBLIC_MEDIA_PATH = '/api/v1/media/public';

export class OutgoingMedia {
  constructor(
    private readonly store: Store,
    private readonly sessions: ChatSessions,
    private readonly operatorMessages: OperatorMessages,
    private readonly options: MediaOptions,
    /** The inbox's public base URL (where LINE reaches the API). */
    private readonly publicBase: () => string,
  ) {}

  async send(lineUserId: string, operator: OperatorView, file: UploadedFile): Promise<SendResult> {
    const contact = await this.sessions.contact(lineUserId);
    const { contentType, preview } = await this.check(file);
    const base = this.publicBase();
    if (!base.startsWith('https://')) {
      throw conflict(`LINE fetches images and files only over HTTPS, and the inbox's public URL is ${base}: set it (ADMIN_URL) to its https address`);
    }
    const media = await this.store.media.insertUpload({
      contact_id: contact.id,
      operator_id: operator.id,
      content_type: contentType,
      file_name: file.fileName,
      data: file.data,
      preview,
      publicForMs: this.options.publicLinkMs,
    });
    const url = `${base}${PUBLIC_MEDIA_PATH}/${media.public_key}`;
    const message = preview
      ? { type: 'image', originalContentUrl: url, previewImageUrl: `${url}/preview` }
      : { type: 'text', text: `📎 ${file.fileName} (${sizeText(file.data.length)})\n${url}` };
    let result: SendResult;
    try {
      result = await this.operatorMessages.send(lineUserId, operator, [message], { media: messageMedia(media) });
    } catch (err) {
      // Not sent (the chat is not this operator's to answer …): nothing refers to the upload.
      await this.store.media.deleteUnsent(media.media_key);
      throw err;
    }
    for (const sent of result.messages) await this.store.media.attachToMessage(media.media_key, sent.id);
    return result;
  }

  /** LINE's limits, before anything is stored: the type to store and the preview of an image. */
  private async check(file: UploadedFile): Promise<{ contentType: string; preview: Buffer | null }> {
    if (file.data.length === 0) throw badRequest('The file is empty', 'file');
    const name = file.fileName;
    if (name.trim() === '' || name.length > MAX_FILE_NAME_LENGTH || /[/\\]/.test(name) || hasControlCharacter(name)) {
      throw badRequest(`name must be a file name of 1 to ${MAX_FILE_NAME_LENGTH} characters without / or \\`, 'name');
    }
    const type = file.contentType.split(';')[0].trim().toLowerCase();
    if ((LINE_IMAGE_TYPES as readonly string[]).includes(type)) {
      if (file.data.length > LINE_IMAGE_MAX_BYTES) {
        throw badRequest(`The image is ${sizeText(file.data.length)}; LINE takes JPEG and PNG images of at most 10 MB`, 'file');
      }
      const made = await makePreview(file.data);
      if (!made || `image/${made.format}` !== type)
        throw badRequest(`The file is not the ${type === 'image/png' ? 'PNG' : 'JPEG'} image it says it is`, 'file');
      if (made.preview.length > LINE_PREVIEW_MAX_BYTES) throw badRequest('The image preview would be larger than LINE takes (1 MB)', 'file');
      return { contentType: type, preview: made.preview };
    }
    if (file.data.length > this.options.maxBytes) {
      throw badRequest(`The file is ${sizeText(file.data.length)}; files of at most ${sizeText(this.options.maxBytes)} are sent`, 'file');
    }
    return { contentType: /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream', preview: null };
  }
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

/** The largest upload: an image LINE takes, or a file this inbox stores. */
export function uploadMaxBytes(options: MediaOptions): number {
  return Math.max(LINE_IMAGE_MAX_BYTES, options.maxBytes);
}

export function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}
