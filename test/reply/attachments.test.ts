import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAttachments, simplifiedMimeType } from '../../src/reply/index.js';
import { withoutSignatures } from '../../src/reply/attachments.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'gitlab', 'fixtures');
const read = (name: string): Buffer => readFileSync(join(fixtures, name));
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('attachments', () => {
  it('lists the image of attachment.eml with its bytes', async () => {
    const [image, ...rest] = await extractAttachments(read('attachment.eml'));
    expect(rest).toEqual([]);
    expect(image.filename).toBe('bricks.png');
    expect(image.contentType).toBe('image/png');
    expect(image.size).toBe(image.content.length);
    expect(image.content.subarray(0, 4).equals(PNG_MAGIC)).toBe(true);
  });

  it('keeps every attachment in message order', async () => {
    const names = (await extractAttachments(read('valid_merge_request_with_patch.eml'))).map((a) => a.filename);
    expect(names).toEqual(['0001-A-commit-from-a-patch.patch', 'really-not-a-patch.png']);
  });

  it.each(['valid_reply_signed_smime.eml', 'valid_reply_signed_smime_mixed_protocol_prefix.eml'])(
    'drops the S/MIME signature of %s but keeps the real attachment',
    async (name) => {
      const attachments = await extractAttachments(read(name));
      expect(attachments.map((a) => [a.filename, a.contentType])).toEqual([['gitlab_logo.png', 'image/png']]);
    },
  );

  it('drops signatures only when the message itself is multipart/signed with that protocol', () => {
    const parts = [
      { filename: 'logo.png', contentType: 'image/png', content: Buffer.from('x'), size: 1 },
      { filename: 'smime.p7s', contentType: 'application/x-pkcs7-signature', content: Buffer.from('s'), size: 1 },
      { contentType: 'image/gif', content: Buffer.from('g'), size: 1 },
    ];
    const signed = 'multipart/signed; protocol="application/PKCS7-signature"; micalg=sha-256; boundary=x';
    expect(withoutSignatures(parts, signed).map((a) => a.filename)).toEqual(['logo.png']);
    expect(withoutSignatures(parts, 'multipart/mixed; boundary=x').map((a) => a.filename)).toEqual([
      'logo.png',
      'smime.p7s',
    ]);
  });

  it('compares MIME types without case, parameters or x- prefixes', () => {
    expect(simplifiedMimeType('Application/X-PKCS7-Signature; name=smime.p7s')).toBe('application/pkcs7-signature');
  });

  it('includes inline images that have a filename', async () => {
    const raw = [
      'Content-Type: multipart/related; boundary=r',
      '',
      '--r',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<img src="cid:pic">',
      '--r',
      'Content-Type: image/gif; name=pic.gif',
      'Content-Disposition: inline; filename=pic.gif',
      'Content-ID: <pic>',
      'Content-Transfer-Encoding: base64',
      '',
      'R0lGODlhAQABAAAAACw=',
      '--r--',
    ].join('\r\n');
    const attachments = await extractAttachments(raw);
    expect(attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([['pic.gif', 'image/gif', 14]]);
  });
});
