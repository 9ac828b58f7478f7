// The limits and timings of media, both ways (see README "Media").
import type Sharp from 'sharp';

export interface MediaOptions {
  /** The largest item stored (a user's video, an operator's file); bigger is not kept. */
  maxBytes: number;
  /** How long a fetch from LINE owns its item before another try (any instance) may take it. */
  fetchLeaseMs: number;
  /** Tries of one fetch before it is given up (FAILED). */
  maxFetchAttempts: number;
  /** How often PENDING fetches left behind (a crash, a failed try) are looked for (0: only on start). */
  recoveryIntervalMs: number;
  /** How old a fetch nobody took must be before the recovery pass takes it. */
  recoveryMinAgeMs: number;
  /** How long LINE, and a user following a file link, may fetch an operator's upload. */
  publicLinkMs: number;
}

export const DEFAULT_MEDIA: MediaOptions = {
  maxBytes: 20 * 1024 * 1024,
  fetchLeaseMs: 60_000,
  maxFetchAttempts: 5,
  recoveryIntervalMs: 10_000,
  recoveryMinAgeMs: 15_000,
  publicLinkMs: 7 * 24 * 60 * 60 * 1000,
};

/** LINE's image message: the original a JPEG or PNG of at most 10 MB, the preview at most 1 MB. */
export const LINE_IMAGE_MAX_BYTES = 10 * 1024 * 1024;
export const LINE_PREVIEW_MAX_BYTES = 1024 * 1024;
export const LINE_IMAGE_TYPES = ['image/jpeg', 'image/png'] as const;
/** The preview's longest side: LINE shows it in the chat at about 240 px. */
export const PREVIEW_SIDE = 480;

let sharpLoaded: typeof Sharp | undefined;

/**
 * sharp (libvips, a native addon), loaded with the first image to preview: at the start it cost
 * 0.05 s on a slow VM (bench/memory-start) that an instance nobody sends images to never needs.
 */
function sharp(): typeof Sharp {
  sharpLoaded ??= require('sharp') as typeof Sharp;
  return sharpLoaded;
}

/**
 * A JPEG preview of an image, its longest side at most PREVIEW_SIDE (turned as its EXIF says);
 * null when the bytes are no image sharp reads.
 */
export async function makePreview(image: Buffer): Promise<{ preview: Buffer; format: string } | null> {
  const load = sharp(); // a sharp that cannot load is an error, not an image it cannot read
  try {
    const { format } = await load(image).metadata();
    const preview = await load(image)
      .rotate()
      .resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80 })
      .toBuffer();
    return { preview, format: format ?? '' };
  } catch {
    return null;
  }
}
