// What a line of a plain-text reply is, for Postroom's trimming: the lines mail clients write
// around what they quote or forward (in the languages clients localise them into), signatures,
// or the sender's own text. Every test here is a fixed-string scan of one line, never a regex
// that could backtrack on what the sender typed.

/** A quote header longer than this is a paragraph that happens to end in "wrote:". */
const MAX_HEADER_LENGTH = 400;
/** How far before its verb a same-line header may start ("On <date>, <name> wrote:"). */
const MAX_HEADER_LEAD = 300;

// The verb of "On <date>, <someone> wrote:", lower case, per client language.
const VERBS = [
  'wrote',
  'writes',
  'sent',
  'schrieb',
  'geschrieben',
  'a écrit',
  'escribió',
  'escreveu',
  'ha scritto',
  'schreef',
  'het volgende geschreven',
  'skrev',
  'napisał',
  'napisała',
  'napisal',
  'napsal',
  'написал',
  'написала',
  'пишет',
  'пише',
  'đã viết',
  '写道',
  '寫道',
  'のメッセージ',
  '님이 작성',
  'kirjoitti',
  'írta',
  'yazdı',
  'έγραψε',
];
// Words a quote header starts with ("On", "Am", "Le"…), lower case, with the space after them.
const OPENERS = [
  'on ',
  'at ',
  'am ',
  'le ',
  'el ',
  'em ',
  'il ',
  'op ',
  'den ',
  'dne ',
  'dnia ',
  'w dniu ',
  'в ',
  'vào ',
  'ngày ',
  'pe ',
  '在',
  '於',
];
// Words inside a "----- Original Message -----" or "---- Bob wrote ----" separator.
const SEPARATOR_WORDS = [
  'message',
  'nachricht',
  'meddelelse',
  'meddelande',
  'melding',
  'bericht',
  'messaggio',
  'mensaje',
  'mensagem',
  'wiadomość',
  'сообщение',
  'повідомлення',
  'thư',
  '邮件',
  '郵件',
  'メッセージ',
  'forwarded',
  'original',
  'e-mail',
  'email',
  ...VERBS,
];
// "Begin forwarded message:" and its translations (Apple Mail, iOS).
const FORWARD_INTROS = [
  'begin forwarded message',
  'anfang der weitergeleiteten nachricht',
  'début du message réexpédié',
  'début du message transféré',
  'inicio del mensaje reenviado',
  'início da mensagem reencaminhada',
  'início da mensagem encaminhada',
  'inizio messaggio inoltrato',
  'begin doorgestuurd bericht',
  'vidarebefordrat brev',
  'videresendt meddelelse',
  'videresendt melding',
  'początek przekazywanej wiadomości',
  'начало переадресованного сообщения',
  '转发的邮件',
  '転送されたメッセージ',
];
// Names of the header lines that introduce a quoted mail in Outlook and its kin.
const FROM_HEADERS = [
  'from',
  'von',
  'de',
  'da',
  'van',
  'od',
  'от',
  'från',
  'fra',
  'lähettäjä',
  'feladó',
  'kimden',
  'từ',
  '差出人',
  '发件人',
  '寄件者',
  '寄件人',
];
const OTHER_HEADERS = [
  'sent',
  'date',
  'to',
  'cc',
  'bcc',
  'subject',
  'reply-to',
  'gesendet',
  'datum',
  'an',
  'betreff',
  'envoyé',
  'à',
  'objet',
  'enviado',
  'enviada',
  'enviada em',
  'para',
  'asunto',
  'fecha',
  'assunto',
  'data',
  'inviato',
  'a',
  'oggetto',
  'risposta',
  'verzonden',
  'aan',
  'onderwerp',
  'wysłane',
  'do',
  'temat',
  'dw',
  'отправлено',
  'дата',
  'кому',
  'тема',
  'копия',
  'skickat',
  'till',
  'ämne',
  'sendt',
  'til',
  'emne',
  'dato',
  'lähetetty',
  'vastaanottaja',
  'aihe',
  '送信日時',
  '宛先',
  '件名',
  '日付',
  '发送时间',
  '收件人',
  '主题',
  '日期',
  '寄件日期',
  '收件者',
  '主旨',
  'đã gửi',
  'đến',
  'chủ đề',
  'ngày',
];
const HEADER_NAMES = new Set([...FROM_HEADERS, ...OTHER_HEADERS]);
const FROM_HEADER_NAMES = new Set(FROM_HEADERS);
// How mobile apps and webmail sign a reply, lower case.
const DEVICE_SIGNATURES = [
  'sent from my ',
  'sent from ',
  'sent by ',
  'from my ',
  'diese nachricht wurde von ',
  'sent with ',
  'sent via ',
  'sent using ',
  'get outlook for ',
  'envoyé de mon ',
  'envoyé depuis ',
  'von meinem ',
  'gesendet von ',
  'gesendet mit ',
  'enviado desde mi ',
  'enviado do meu ',
  'enviado de meu ',
  'enviado desde ',
  'inviato da ',
  'verzonden vanaf mijn ',
  'verstuurd vanaf mijn ',
  'verzonden met ',
  'wysłane z ',
  'отправлено с ',
  'отправлено из ',
  'skickat från min ',
  'sendt fra min ',
  'lähetetty ',
  'gửi từ ',
  'iphoneから送信',
  'androidから送信',
  '发自我的',
  '從我的 iphone 傳送',
];
const MAX_DEVICE_SIGNATURE_LENGTH = 100;

const BLANKS = ' \t\u00a0\u3000';

function trimBlanks(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && BLANKS.includes(line[start])) start += 1;
  while (end > start && BLANKS.includes(line[end - 1])) end -= 1;
  return line.slice(start, end);
}

export function isEmpty(line: string): boolean {
  return trimBlanks(line) === '';
}

export function isQuote(line: string): boolean {
  return trimBlanks(line).startsWith('>');
}

function endsWithColon(text: string): boolean {
  return text.endsWith(':') || text.endsWith('：');
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text[i] >= '0' && text[i] <= '9') return true;
  return false;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
// CJK and Hangul verbs are written without spaces around them.
const needsBoundary = (word: string): boolean => word.charCodeAt(0) < 0x2e80;

/** Where `word` first occurs as a whole word (a letter on neither side), or -1. */
function findWord(lower: string, word: string): number {
  for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
    if (!needsBoundary(word)) return at;
    const before = at > 0 ? lower[at - 1] : ' ';
    const after = at + word.length < lower.length ? lower[at + word.length] : ' ';
    if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return at;
  }
  return -1;
}

export function startsWithOpener(lower: string): boolean {
  return OPENERS.some((opener) => lower.startsWith(opener));
}

/** An address in angle brackets: how clients name the author in a header. */
function hasBracketedAddress(text: string): boolean {
  const open = text.indexOf('<');
  if (open < 0) return false;
  const at = text.indexOf('@', open);
  return at > open && text.indexOf('>', at) > at;
}

export type QuoteHeader = 'strong' | 'weak';

/**
 * Whether a quote header could end on this line, alone or wrapped over the lines above: a header
 * ends in a colon, so a line that does not (and is not blank) ends none.
 */
export function mayEndQuoteHeader(line: string): boolean {
  const text = trimBlanks(line);
  return text === '' || endsWithColon(text);
}

/**
 * "On Tue, 1 Jan 2019, Bob wrote:", "Am … schrieb Bob <bob@x>:", "2019年1月1日(火) Bob <bob@x>:".
 * Strong when it names a date or an address; weak ("Bob wrote:") counts only before a quote.
 */
export function quoteHeader(line: string): QuoteHeader | null {
  const text = trimBlanks(line);
  if (text.length > MAX_HEADER_LENGTH || !endsWithColon(text) || text.startsWith('>')) return null;
  const lower = text.toLowerCase();
  const strong = hasDigit(lower) || lower.includes('@');
  const verbs = VERBS.filter((verb) => findWord(lower, verb) >= 0);
  if (verbs.length > 0 && (strong || startsWithOpener(lower))) return 'strong';
  // "I sent:" introduces what the sender quotes on purpose; only "Bob wrote:" and kin count.
  if (verbs.some((verb) => verb !== 'sent')) return 'weak';
  // Gmail in Russian or Japanese names no verb: a date, the author's address, a colon.
  return hasDigit(lower) && hasBracketedAddress(lower) ? 'strong' : null;
}

const RULE_CHARS = '-_=*~—ᐧ';

/** "-----Original Message-----", "---- Bob wrote ----", "Begin forwarded message:". */
export function isSeparator(line: string): boolean {
  const text = trimBlanks(line);
  const lower = text.toLowerCase();
  if (endsWithColon(text) && text.length < 80 && FORWARD_INTROS.some((intro) => lower.startsWith(intro))) return true;
  let start = 0;
  while (start < text.length && RULE_CHARS.includes(text[start])) start += 1;
  let end = text.length;
  while (end > start && RULE_CHARS.includes(text[end - 1])) end -= 1;
  if (start < 2 || text.length - end < 2 || end <= start) return false;
  const inner = lower.slice(start, end);
  return SEPARATOR_WORDS.some((word) => inner.includes(word));
}

/** A line of only rule characters, as Outlook puts above its header block. */
export function isRule(line: string): boolean {
  const text = trimBlanks(line);
  if (text.length < 2) return false;
  for (const c of text) if (!RULE_CHARS.includes(c) && c !== ' ') return false;
  return true;
}

/** The header's name when the line is "Name: value" with a known name ("*From:* Bob" too). */
export function headerName(line: string): string | null {
  const colon = line.indexOf(':');
  if (colon <= 0 || colon > 40) return null;
  let name = line.slice(0, colon);
  let value = line.slice(colon + 1);
  name = trimBlanks(name.replace(/\*/g, '')).toLowerCase();
  value = trimBlanks(value.replace(/^\**/, ''));
  return value !== '' && HEADER_NAMES.has(name) ? name : null;
}

export function isFromHeader(name: string): boolean {
  return FROM_HEADER_NAMES.has(name);
}

/** "-- " (RFC 3676) and the "--" clients leave when they strip the blank. */
export function isSignatureDelimiter(line: string): boolean {
  return line === '-- ' || line === '--';
}

/** "Sent from my iPhone", "Get Outlook for Android", "Von meinem iPhone gesendet". */
export function isDeviceSignature(line: string): boolean {
  // "Get [Outlook for Android](https://…)": the link text is what the app wrote.
  const text = trimBlanks(line)
    .replace(/^[(<]+/, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  if (text.length === 0 || text.length > MAX_DEVICE_SIGNATURE_LENGTH) return false;
  const lower = text.toLowerCase();
  return DEVICE_SIGNATURES.some((signature) => lower.startsWith(signature)) || /^\S+ from mobile$/.test(lower);
}

/**
 * Where a quote header starts inside a line that began with the sender's own words
 * ("Sounds good. On Tue, 1 Jan 2019, Bob wrote: > old text"), and where it ends; null when the
 * line holds none, or when text other than a quote follows it.
 */
export function sameLineQuoteHeader(line: string): { start: number; end: number } | null {
  // The header ends in a colon after its verb: without one, no verb need be looked for.
  if (!line.includes(':')) return null;
  const lower = line.toLowerCase();
  let verbAt = -1;
  let verbEnd = -1;
  for (const verb of VERBS) {
    const at = findWord(lower, verb);
    if (at >= 0 && (verbAt < 0 || at < verbAt)) {
      verbAt = at;
      verbEnd = at + verb.length;
    }
  }
  if (verbAt < 0) return null;
  const colon = lower.indexOf(':', verbEnd);
  if (colon < 0 || colon - verbEnd > 200) return null;
  const rest = trimBlanks(line.slice(colon + 1));
  if (rest !== '' && !rest.startsWith('>')) return null;
  if (startsWithOpener(trimBlanks(lower))) return null;
  // The earliest opener in reach ("On Tue, 1 Jan 2019 at 10:00" holds a second one); "at" only
  // when there is no other, as it is a common word before a header too.
  let start = -1;
  for (const opener of [...OPENERS.filter((o) => o !== 'at '), 'at ']) {
    if (opener === 'at ' && start > 0) break;
    const at = lower.indexOf(` ${opener}`, Math.max(0, verbAt - MAX_HEADER_LEAD));
    if (at >= 0 && at < verbAt && (start < 0 || at + 1 < start)) start = at + 1;
  }
  if (start <= 0 || trimBlanks(line.slice(0, start)) === '') return null;
  const header = lower.slice(start, colon + 1);
  return hasDigit(header) || header.includes('@') ? { start, end: colon + 1 } : null;
}
