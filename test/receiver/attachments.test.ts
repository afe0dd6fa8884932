import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachmentsOf } from '../../src/receiver/attachments.js';
import { readMail } from '../../src/receiver/mail.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'gitlab', 'fixtures');
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

async function attachments(raw: Buffer | string) {
  const read = await readMail(typeof raw === 'string' ? Buffer.from(raw) : raw);
  if (!read.ok) throw new Error(read.error.name);
  return attachmentsOf(read.mail);
}
const fixture = (name: string) => attachments(readFileSync(join(fixtures, name)));

describe('attachments the receiver uploads', () => {
  it('lists the image of attachment.eml with its bytes', async () => {
    const [image, ...rest] = await fixture('attachment.eml');
    expect(rest).toEqual([]);
    expect(image.filename).toBe('bricks.png');
    expect(image.contentType).toBe('image/png');
    expect(image.content.subarray(0, 4).equals(PNG_MAGIC)).toBe(true);
  });

  it('keeps every attachment in message order', async () => {
    const names = (await fixture('valid_merge_request_with_patch.eml')).map((a) => a.filename);
    expect(names).toEqual(['0001-A-commit-from-a-patch.patch', 'really-not-a-patch.png']);
  });

  it.each(['valid_reply_signed_smime.eml', 'valid_reply_signed_smime_mixed_protocol_prefix.eml'])(
    'drops the S/MIME signature of %s but keeps the real attachment',
    async (name) => {
      expect((await fixture(name)).map((a) => [a.filename, a.contentType])).toEqual([['gitlab_logo.png', 'image/png']]);
    },
  );

  const withSignature = (contentType: string) =>
    [
      `Content-Type: ${contentType}; boundary=x`,
      '',
      '--x',
      'Content-Type: text/plain',
      '',
      'signed text',
      '--x',
      'Content-Type: application/x-pkcs7-signature; name=smime.p7s',
      'Content-Disposition: attachment; filename=smime.p7s',
      'Content-Transfer-Encoding: base64',
      '',
      'c2lnbmF0dXJl',
      '--x--',
    ].join('\r\n');

  it('drops a signature only when the message is multipart/signed with that protocol', async () => {
    const signed = await attachments(withSignature('multipart/signed; protocol="application/PKCS7-signature"'));
    expect(signed).toEqual([]);
    const mixed = await attachments(withSignature('multipart/mixed'));
    expect(mixed.map((a) => a.filename)).toEqual(['smime.p7s']);
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
    const found = await attachments(raw);
    expect(found.map((a) => [a.filename, a.contentType, a.content.length])).toEqual([['pic.gif', 'image/gif', 14]]);
  });

  it('gives a quoted-printable patch LF line ends, as the mail gem does', async () => {
    const raw = [
      'Content-Type: multipart/mixed; boundary=m',
      '',
      '--m',
      'Content-Type: text/plain',
      '',
      'see patch',
      '--m',
      'Content-Type: text/x-patch; name=fix.patch',
      'Content-Disposition: attachment; filename=fix.patch',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'line one',
      'line two',
      '--m--',
    ].join('\r\n');
    const [patch] = await attachments(raw);
    expect(patch.content.toString()).toBe('line one\nline two');
  });

  it('reads no MIME structure when no part has a file name', async () => {
    expect(await attachments('Content-Type: text/plain\r\n\r\nhello')).toEqual([]);
  });
});
