import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { selectBody } from '../../src/reply/index.js';

const inline = join(import.meta.dirname, '..', 'fixtures', 'gitlab', 'fixtures_inline');
const JAPANESE = 'こんにちは。 この世界は素晴らしいです。';

function mail(headers: string[], body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]);
}

describe('body selection and charsets', () => {
  it('decodes Shift_JIS with a charset, without one, and in a multipart without boundary end', () => {
    for (const name of ['shift_jis_8bit.eml', 'shift_jis_no_charset.eml', 'shift_jis_multipart.eml']) {
      expect(selectBody(readFileSync(join(inline, name))).text).toBe(JAPANESE);
    }
  });

  it('turns each CRLF of a 7bit body into LF and keeps a bare CR, wherever it stands', () => {
    const text = (body: string) => selectBody(mail(['Content-Type: text/plain; charset=utf-8'], body)).text;
    expect(text('one\r\ntwo\r\n')).toBe('one\ntwo\n');
    expect(text('a\rb\r\r\nc\r')).toBe('a\rb\r\nc\r');
    expect(text('\r\n\r\nend')).toBe('\n\nend');
    expect(text('no break at all')).toBe('no break at all');
  });

  it('keeps CRLF from a base64 ISO-8859-2 part', () => {
    expect(selectBody(readFileSync(join(inline, 'iso_8859_2_multipart.eml'))).text).toBe(
      'Body of encoding iso-8859-2 test: ťžščľžťťč\r\n\r\n',
    );
  });

  it('prefers text/plain over text/html in multipart/alternative', () => {
    const raw = [
      'Content-Type: multipart/alternative; boundary=b',
      '',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>html</p>',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'plain caf=C3=A9 =',
      'joined',
      '--b--',
    ].join('\r\n');
    expect(selectBody(raw)).toEqual({ text: 'plain café joined', isHtml: false });
  });

  it('reads 8bit latin-1 declared as windows-1252', () => {
    const raw = mail(
      ['Content-Type: text/plain; charset=windows-1252'],
      iconv.encode('na\u00efve \u20ac', 'windows-1252'),
    );
    expect(selectBody(raw).text).toBe('na\u00efve \u20ac');
  });

  it('gives an empty body for an unknown charset or a body that still shows MIME structure', () => {
    expect(selectBody(mail(['Content-Type: text/plain; charset=x-no-such-charset'], 'hello')).text).toBe('');
    expect(selectBody(mail(['Content-Type: text/plain'], 'Content-Type: text/plain\n\nhello')).text).toBe('');
  });

  it('skips a text/plain attachment when choosing the body', () => {
    const raw = [
      'Content-Type: multipart/mixed; boundary=m',
      '',
      '--m',
      'Content-Type: text/plain; name="notes.txt"',
      'Content-Disposition: attachment; filename=notes.txt',
      '',
      'attached',
      '--m',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'the reply',
      '--m--',
    ].join('\n');
    expect(selectBody(raw).text).toBe('the reply');
  });
});
