// Mail headers are built from stored values (school names, cycle names, settings) that nobody
// can promise are one line. A line break in a header ends it and starts another, so every value
// is folded to a single line here, whatever was stored.

import { oneLine } from '../text.js';

export { oneLine };

/** What a subject may hold: enough for the longest school and cycle names, well under RFC 5322's 998. */
export const MAX_SUBJECT_LENGTH = 200;

/** A subject: one line, cut at a word if it is longer than MAX_SUBJECT_LENGTH characters. */
export function subjectLine(value: string): string {
  const line = oneLine(value);
  const characters = Array.from(line);
  if (characters.length <= MAX_SUBJECT_LENGTH) return line;
  const room = characters.slice(0, MAX_SUBJECT_LENGTH).join('');
  const atWord = room.lastIndexOf(' ');
  const cut =
    atWord > MAX_SUBJECT_LENGTH / 2 ? room.slice(0, atWord) : characters.slice(0, MAX_SUBJECT_LENGTH - 1).join('');
  return `${cut.trimEnd()}…`;
}

/**
 * The sender as nodemailer's address object: `Name <address>` with the name folded to one line,
 * so nodemailer quotes it (a colon or comma in it then stays part of the name). A setting without
 * angle brackets is taken as a bare address.
 */
export function senderAddress(from: string): { name: string; address: string } {
  const angle = /^([^<>]*)<([^<>]+)>\s*$/s.exec(from);
  if (!angle) return { name: '', address: oneLine(from) };
  return { name: oneLine(angle[1]!).replace(/^"(.*)"$/, '$1'), address: oneLine(angle[2]!) };
}

/** The configured sender with another display name (the program's): `Name <address>`. */
export function withSenderName(from: string, name: string): string {
  const display = oneLine(name).replace(/[<>"\\]/g, '');
  return display === '' ? from : `${display} <${senderAddress(from).address}>`;
}

/**
 * The List-Unsubscribe value for a link, or undefined when the link is not a plain http(s) URL
 * (the WHATWG parser drops tabs and line breaks and escapes the rest; anything left outside
 * printable ASCII, or `<` `>`, would not be a header we want to send).
 */
export function listUnsubscribeHeader(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  let href: string;
  try {
    href = new URL(oneLine(url)).href;
  } catch {
    return undefined;
  }
  return /^https?:\/\/[\x21-\x3b\x3d\x3f-\x7e]+$/.test(href) ? `<${href}>` : undefined;
}
