import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Attachment, Project, Upload, User } from '../handlers/sink.js';
import type { TrackerContext } from './types.js';

/** GitLab's default `max_attachment_size`: larger attachments are skipped without a word. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.bmp', '.tiff', '.ico', '.webp', '.svg']);

export interface StoredUpload {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * Stores an attachment for the project and returns its Markdown. The same file attached to the
 * same project again (a re-delivered mail) gets the first upload's link instead of a copy.
 */
export function storeUpload(
  ctx: TrackerContext,
  project: Project,
  author: User,
  attachment: Attachment,
  maxBytes: number,
): Upload | null {
  if (attachment.content.length > maxBytes) return null;
  const filename = safeFilename(attachment.filename);
  const sha256 = createHash('sha256').update(attachment.content).digest('hex');
  const existing = ctx
    .prepare('SELECT secret FROM uploads WHERE project_id = ? AND sha256 = ? AND filename = ?')
    .get(project.id, sha256, filename) as { secret: string } | undefined;
  const secret = existing?.secret ?? randomBytes(16).toString('hex');
  if (!existing) {
    ctx
      .prepare(
        `INSERT INTO uploads (project_id, author_id, secret, filename, content_type, sha256, content, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(project.id, author.id, secret, filename, attachment.contentType, sha256, attachment.content, ctx.now());
  }
  return { markdown: uploadMarkdown(filename, attachment.contentType, secret) };
}

/** `![name](/uploads/…)` for images, `[name](/uploads/…)` otherwise; the name is the filename without extension. */
function uploadMarkdown(filename: string, contentType: string, secret: string): string {
  const extension = path.extname(filename).toLowerCase();
  const image = contentType.toLowerCase().startsWith('image/') || IMAGE_EXTENSIONS.has(extension);
  const alt = path.basename(filename, path.extname(filename));
  return `${image ? '!' : ''}[${alt}](/uploads/${secret}/${filename})`;
}

/** Keeps names Markdown-safe, as GitLab's uploader sanitises them. */
function safeFilename(filename: string): string {
  const base = path.basename(filename.replace(/\\/g, '/')).replace(/[^a-zA-Z0-9_.-]/g, '_');
  return base === '' || /^\.+$/.test(base) ? 'file' : base;
}

export function uploadBySecret(ctx: TrackerContext, secret: string, filename: string): StoredUpload | null {
  const row = ctx.prepare('SELECT filename, content_type, content FROM uploads WHERE secret = ?').get(secret) as
    { filename: string; content_type: string; content: Buffer } | undefined;
  return row && row.filename === filename
    ? { filename: row.filename, contentType: row.content_type, content: row.content }
    : null;
}
