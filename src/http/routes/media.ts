// Media, both ways: the bytes of a chat's images, videos, audio and files for operators (their
// login, by cookie so that <img> and <video> can load them, or bearer), an operator's upload to
// send, and the public links LINE fetches an upload from (no login; unguessable, expiring).
import express from 'express';
import type { LiveChat } from '../../live-chat';
import type { MediaContent } from '../../store/media';
import { sizeText, uploadMaxBytes } from '../../media/outgoing-media';
import { Router } from '../router';
import { HttpError, badRequest } from '../errors';
import { queryString } from '../validation';
import { sendResult } from './live-chat';

/** Types a browser may show inline; anything else is a download, never rendered (an HTML file, an SVG). */
const INLINE_TYPES = /^(image\/(jpeg|png|gif|webp)|video\/(mp4|quicktime|webm)|audio\/(mpeg|mp4|aac|x-m4a|m4a|ogg|wav|webm))$/;

/** The public links, served before the login check. */
export function publicMediaRoutes(app: LiveChat): express.Router {
  const router = Router();
  for (const [path, part] of [
    ['/media/public/:key', 'original'],
    ['/media/public/:key/preview', 'preview'],
  ] as const) {
    router.get(path, async (req, res) => {
      const content = await app.store.media.publicContent(req.params.key, part);
      // An unknown and an expired link answer alike.
      if (!content) throw new HttpError(404, 'This link does not exist or has expired');
      serve(res, content, 'public, max-age=3600');
    });
  }
  return router;
}

export function mediaRoutes(app: LiveChat): express.Router {
  const router = Router();
  for (const [path, part] of [
    ['/admin/live-chat/media/:key', 'original'],
    ['/admin/live-chat/media/:key/preview', 'preview'],
  ] as const) {
    router.get(path, async (req, res) => {
      const content = await app.store.media.content(req.params.key, part);
      if (!content) throw new HttpError(404, 'Media not found');
      if (content.status !== 'STORED' || !content.data) {
        const gone = content.status === 'GONE';
        throw new HttpError(gone ? 410 : 404, gone ? 'LINE no longer holds this content' : `This media is ${content.status.toLowerCase()}`, undefined, {
          status: content.status,
        });
      }
      // Never changes under its key; kept by this browser only.
      serve(res, content, 'private, max-age=86400, immutable');
    });
  }

  router.post(
    '/admin/live-chat/conversations/:line_user_id/media',
    (req, _res, next) => {
      // Refused before the body is read: a clear message, not a cut connection.
      const length = Number(req.headers['content-length'] ?? Number.NaN);
      if (!(length > 0)) return next(badRequest('Send the file as the request body (with its Content-Type and Content-Length)', 'file'));
      if (length > uploadMaxBytes(app.mediaOptions)) {
        return next(badRequest(`The file is ${sizeText(length)}; at most ${sizeText(uploadMaxBytes(app.mediaOptions))} can be sent`, 'file'));
      }
      next();
    },
    express.raw({ type: () => true, limit: uploadMaxBytes(app.mediaOptions) }),
    async (req, res) => {
      const name = queryString(req.query.name, 'name');
      if (name === undefined) throw badRequest('name (the file name) is required', 'name');
      if (!Buffer.isBuffer(req.body)) throw badRequest('Send the file as the request body', 'file');
      const result = await app.outgoingMedia.send(req.params.line_user_id, req.operator!, {
        data: req.body,
        contentType: req.headers['content-type'] ?? 'application/octet-stream',
        fileName: name,
      });
      await sendResult(app, res, result);
    },
  );
  return router;
}

function serve(res: express.Response, content: MediaContent, cacheControl: string): void {
  const type = content.content_type ?? 'application/octet-stream';
  const inline = INLINE_TYPES.test(type);
  const name = content.file_name ?? 'file';
  res.set({
    'content-type': inline ? type : 'application/octet-stream',
    'content-length': String(content.data!.length),
    'cache-control': cacheControl,
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  });
  res.end(content.data);
}
