// What an upload is. Its type is decided from its bytes, never from its name or the browser's
// claim, and the name shown for it is cleaned; where it is then kept is evidence-store.ts's part.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { EvidenceKind } from '../../models/evidence.js';
import { msg, textIn, type Message } from '../i18n/translate.js';
import { OFFICE_ARCHIVE_LIMITS, officeArchiveProblem } from './office-archive.js';

/**
 * An upload we will not keep: `text` is shown to the person next to the form, in their language;
 * the Error's message is the English one, for logs.
 */
export class UploadRefused extends Error {
  constructor(public readonly text: Message) {
    super(textIn('en', text));
    this.name = 'UploadRefused';
  }
}

interface KindInfo {
  contentType: string;
  /** Extensions a name may already end in; the first is added when it ends in none of them. */
  extensions: readonly string[];
}

const KINDS: Record<EvidenceKind, KindInfo> = {
  pdf: { contentType: 'application/pdf', extensions: ['pdf'] },
  doc: { contentType: 'application/msword', extensions: ['doc'] },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
  },
  xls: { contentType: 'application/vnd.ms-excel', extensions: ['xls'] },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
  },
  png: { contentType: 'image/png', extensions: ['png'] },
  jpeg: { contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
};

/** file-type's extension → our kind; `cfb` (old Office) is settled by the name, see below. */
const DETECTED_KINDS: Record<string, EvidenceKind> = {
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
  png: 'png',
  jpg: 'jpeg',
};

export const ACCEPTED_TYPES_TEXT: Message = msg('uploads.acceptedTypes');

/** What a name's extension promises, for "looks like X, not Y". */
const CLAIMED_BY_EXTENSION: Record<string, Message> = {
  pdf: msg('uploads.claimed.pdf'),
  doc: msg('uploads.claimed.word'),
  docx: msg('uploads.claimed.word'),
  xls: msg('uploads.claimed.excel'),
  xlsx: msg('uploads.claimed.excel'),
  png: msg('uploads.claimed.png'),
  jpg: msg('uploads.claimed.jpeg'),
  jpeg: msg('uploads.claimed.jpeg'),
};

/** Plain words for what people most often send by mistake; anything else is named by extension. */
const DESCRIPTIONS: Record<string, Message> = {
  zip: msg('uploads.what.zip'),
  exe: msg('uploads.what.windowsProgram'),
  elf: msg('uploads.what.program'),
  gif: msg('uploads.what.gif'),
  webp: msg('uploads.what.webp'),
  heic: msg('uploads.what.heic'),
  avif: msg('uploads.what.avif'),
  tif: msg('uploads.what.tiff'),
  bmp: msg('uploads.what.bmp'),
  svg: msg('uploads.what.svg'),
  xml: msg('uploads.what.xml'),
  rtf: msg('uploads.what.richText'),
  pptx: msg('uploads.what.powerPoint'),
  ppsx: msg('uploads.what.powerPointShow'),
  docm: msg('uploads.what.wordMacros'),
  dotx: msg('uploads.what.wordTemplate'),
  xlsm: msg('uploads.what.excelMacros'),
  xltx: msg('uploads.what.excelTemplate'),
  odt: msg('uploads.what.openDocumentText'),
  ods: msg('uploads.what.openDocumentSpreadsheet'),
  odp: msg('uploads.what.openDocumentPresentation'),
  epub: msg('uploads.what.ebook'),
  rar: msg('uploads.what.rar'),
  '7z': msg('uploads.what.sevenZip'),
  gz: msg('uploads.what.gzip'),
  mp4: msg('uploads.what.video'),
  mov: msg('uploads.what.video'),
  mp3: msg('uploads.what.audio'),
};

/**
 * Decides what an uploaded temp file really is and the name to show for it.
 * Throws UploadRefused with a message for the person when we do not accept it.
 */
export async function inspectUpload(file: {
  path: string;
  originalName: string;
  size: number;
}): Promise<{ kind: EvidenceKind; contentType: string; safeName: string }> {
  const name = displayFileName(file.originalName);
  const accepted = ACCEPTED_TYPES_TEXT;
  const { size } = await stat(file.path);
  if (file.size === 0 || size === 0) throw new UploadRefused(msg('uploads.refused.empty', { name }));

  const detected = await fileTypeFromFile(file.path);
  const nameExtension = extensionOf(name);
  let kind: EvidenceKind | undefined = detected ? DETECTED_KINDS[detected.ext] : undefined;

  if (detected?.ext === 'cfb') {
    // Word 97-2003 and Excel 97-2003 files share one container; only the name tells them apart.
    if (nameExtension === 'doc' || nameExtension === 'xls') kind = nameExtension;
    else throw new UploadRefused(msg('uploads.refused.olderOffice', { name, accepted }));
  }

  if (!kind) {
    const what = detected ? describeDetected(detected.ext) : await describeUnknown(file.path);
    const claimed = CLAIMED_BY_EXTENSION[nameExtension];
    if (detected?.ext === 'zip') {
      throw new UploadRefused(
        msg('uploads.refused.zip', { name, claimed: claimed ?? msg('uploads.claimed.office'), accepted }),
      );
    }
    if (!what) throw new UploadRefused(msg('uploads.refused.unrecognised', { name, accepted }));
    throw new UploadRefused(
      claimed
        ? msg('uploads.refused.looksLikeNot', { name, what, claimed, accepted })
        : msg('uploads.refused.looksLike', { name, what, accepted }),
    );
  }

  if (kind === 'docx' || kind === 'xlsx') await refuseHostileArchive(file.path, name, kind);
  return { kind, contentType: KINDS[kind].contentType, safeName: safeNameFor(file.originalName, kind) };
}

async function refuseHostileArchive(filePath: string, name: string, kind: 'docx' | 'xlsx'): Promise<void> {
  const found = await officeArchiveProblem(filePath);
  if (!found) return;
  const saveAgain = msg('uploads.office.saveAgain', { kind });
  const { maxEntries, maxUnpackedBytes, maxRatio } = OFFICE_ARCHIVE_LIMITS;
  switch (found.problem) {
    case 'damaged':
      throw new UploadRefused(msg('uploads.office.damaged', { name, kind, saveAgain }));
    case 'too many parts':
      throw new UploadRefused(msg('uploads.office.tooManyParts', { name, kind, max: maxEntries, saveAgain }));
    case 'too large unpacked':
      throw new UploadRefused(
        msg('uploads.office.tooLargeUnpacked', { name, kind, size: sizeText(maxUnpackedBytes), saveAgain }),
      );
    case 'packed too tightly':
      throw new UploadRefused(msg('uploads.office.packedTooTightly', { name, ratio: maxRatio, saveAgain }));
  }
}

function describeDetected(ext: string): Message {
  return DESCRIPTIONS[ext] ?? msg('uploads.what.other', { ext });
}

/** file-type only knows binary formats; the usual text ones are told apart here. */
async function describeUnknown(filePath: string): Promise<Message | undefined> {
  const head = await readHead(filePath, 4096);
  // Text has no control bytes other than tab, line breaks and form feed.
  if (head.some((byte) => (byte < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d].includes(byte)) || byte === 0x7f)) {
    return undefined;
  }
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (/^<!doctype html|^<html[\s>]|^<head[\s>]/.test(text)) return msg('uploads.what.html');
  if (text.startsWith('{\\rtf')) return msg('uploads.what.richText');
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return msg('uploads.what.svg');
  if (text.startsWith('<?xml')) return msg('uploads.what.xml');
  if (text.startsWith('%!ps')) return msg('uploads.what.postScript');
  return msg('uploads.what.plainText');
}

async function readHead(filePath: string, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(filePath, { start: 0, end: bytes - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const MAX_NAME_LENGTH = 200;
// C0/C1 controls, and the bidirectional marks that can make "evil‮fdp.exe" read as "evil.exe.pdf".
const UNSAFE_CHARACTERS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** The last path part of a browser-supplied name, without control characters or leading dots. */
export function displayFileName(originalName: string): string {
  const lastPart = originalName.split(/[/\\]/).pop() ?? '';
  const cleaned = lastPart
    .normalize('NFC')
    .replace(UNSAFE_CHARACTERS, '')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  return cleaned || 'evidence';
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The name to show and to offer on download: clean, at most 200 characters, with the right extension. */
function safeNameFor(originalName: string, kind: EvidenceKind): string {
  const name = displayFileName(originalName);
  const { extensions } = KINDS[kind];
  const extension = extensionOf(name);
  const [stem, suffix] = extensions.includes(extension)
    ? [name.slice(0, name.length - extension.length - 1), name.slice(name.length - extension.length - 1)]
    : [name, `.${extensions[0]}`];
  // Cut by code points so a long name never ends in half an emoji.
  const room = MAX_NAME_LENGTH - suffix.length;
  const codePoints = Array.from(stem);
  const cutStem = codePoints.length > room ? codePoints.slice(0, room).join('').trimEnd() : stem;
  return (cutStem || 'evidence') + suffix;
}

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** A size in 1024-byte units as the limits are set, rounded for people: 1.5 and 'MB'. */
function sizeParts(n: number): { value: number; unit: (typeof UNITS)[number] } {
  let value = n;
  let unit = 0;
  while (unit < UNITS.length - 1 && Math.abs(value) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return { value: n, unit: 'bytes' };
  let rounded = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  if (rounded >= 1024 && unit < UNITS.length - 1) {
    rounded = 1;
    unit += 1;
  }
  return { value: rounded, unit: UNITS[unit]! };
}

/** A size for people, in their language: "20 MB", "512 KB", "1.5 MB" (in Spanish "1,5 MB"). */
export function sizeText(n: number): Message {
  const { value, unit } = sizeParts(n);
  return unit === 'bytes' ? msg('uploads.size.bytes', { value }) : msg('uploads.size.unit', { value, unit });
}

/** The same size in English for logs and the command line: "20 MB", "1.5 MB", "1023 bytes". */
export function formatBytes(n: number): string {
  const { value, unit } = sizeParts(n);
  return value === 1 && unit === 'bytes' ? '1 byte' : `${value} ${unit}`;
}
