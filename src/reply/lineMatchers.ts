// Line classifiers for the trimmer: empty, delimiter, signature, email header, quote.
// Coverage follows EmailReplyTrimmer's matchers (0.2.0 plus the later lone-bullet fix).
// Lines never contain "\n", so `^`/`$` here are plain string anchors.
import { BLANK, DOT, WORD } from './rubyText.js';

const EMPTY = new RegExp(`^[${BLANK}]*$`, 'u');
const QUOTE = new RegExp(`^[${BLANK}]*>`, 'u');

const DELIMITER = new RegExp(`^[${BLANK}]*[\\-_,=+~#*ᐧ—]+[${BLANK}]*$`, 'u');
// A lone "-" or "*" is how clients render a plain-text bullet, not a separator.
const LONE_BULLET = new RegExp(`^[${BLANK}]*[-*][${BLANK}]*$`, 'u');

export function isEmptyLine(line: string): boolean {
  return EMPTY.test(line);
}

export function isQuoteLine(line: string): boolean {
  return QUOTE.test(line);
}

export function isDelimiterLine(line: string): boolean {
  return !LONE_BULLET.test(line) && DELIMITER.test(line);
}

const SIGNATURES: RegExp[] = [
  /^[\p{Zs}\t]*從我的 iPhone 傳送/iu,
  new RegExp(`^[${BLANK}]*[${WORD}]+ from mobile`, 'iu'),
  new RegExp(`^[${BLANK}]*[(<]*Sent (?:from|via|with|by) ${DOT}+`, 'iu'),
  new RegExp(`^[${BLANK}]*From my ${DOT}{1,20}`, 'iu'),
  ...[
    'Get Outlook for ',
    'Envoyé depuis (?:mon|Yahoo Mail)',
    `Von meinem ${DOT}+ gesendet`,
    `Diese Nachricht wurde von ${DOT}+ gesendet`,
    'Inviato da ',
    'Sendt fra min ',
    'Enviado do meu ',
    'Enviado desde mi ',
    'Verzonden met ',
    'Verstuurd vanaf mijn ',
    'från min ',
  ].map((s) => new RegExp(`^[${BLANK}]*${s}`, 'iu')),
];

const MARKDOWN_LINK = /\[([^\]]+)\]\([^)]+\)/g;

export function isSignatureLine(line: string): boolean {
  // "Sent from [Outlook](https://…)": judge the link text, not the markup.
  const plain = line.replace(MARKDOWN_LINK, '$1');
  return SIGNATURES.some((re) => re.test(plain));
}

// Header names whose value carries a date, then names whose value carries text.
const DATE_HEADERS = [
  ['Sendt'],
  ['Sent', 'Date'],
  ['Date', 'Le'],
  ['Gesendet'],
  ['Enviada em'],
  ['Enviado'],
  ['Fecha'],
  ['Data'],
  ['Datum'],
  ['Skickat'],
  ['发送时间'],
];
const TEXT_HEADERS = [
  ['Fra', 'Til', 'Emne'],
  ['From', 'To', 'Cc', 'Reply-To', 'Subject'],
  ['De', 'Expéditeur', 'À', 'Destinataire', 'Répondre à', 'Objet'],
  ['Von', 'An', 'Betreff'],
  ['De', 'Para', 'Assunto'],
  ['De', 'Para', 'Asunto'],
  ['Da', 'Risposta', 'A', 'Oggetto'],
  ['Van', 'Beantwoorden - Aan', 'Aan', 'Onderwerp'],
  ['Från', 'Till', 'Ämne'],
  ['发件人', '收件人', '主题'],
];

const HEADERS: RegExp[] = [
  ...DATE_HEADERS.map((names) => new RegExp(`^[${BLANK}*]*(?:${names.join('|')})[${BLANK}*]*:${DOT}*\\d+`, 'u')),
  ...TEXT_HEADERS.map((names) => new RegExp(`^[${BLANK}*]*(?:${names.join('|')})[${BLANK}*]*:${DOT}*[${WORD}]+`, 'iu')),
];

export function isEmailHeaderLine(line: string): boolean {
  return HEADERS.some((re) => re.test(line));
}
