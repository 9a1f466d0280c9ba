// What an upload is. Its type is decided from its bytes, never from its name or the browser's
// claim, and the name shown for it is cleaned; where it is then kept is evidence-store.ts's part.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { EvidenceKind } from '../../models/evidence.js';
import { OFFICE_ARCHIVE_LIMITS, officeArchiveProblem } from './office-archive.js';

/** An upload we will not keep; the message is shown to the person next to the form. */
export class UploadRefused extends Error {
  constructor(message: string) {
    super(message);
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

export const ACCEPTED_TYPES_TEXT = 'a PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG or JPEG file';

/** What a name's extension promises, for "looks like X, not Y". */
const CLAIMED_BY_EXTENSION: Record<string, string> = {
  pdf: 'a PDF',
  doc: 'a Word document',
  docx: 'a Word document',
  xls: 'an Excel spreadsheet',
  xlsx: 'an Excel spreadsheet',
  png: 'a PNG image',
  jpg: 'a JPEG image',
  jpeg: 'a JPEG image',
};

/** Plain words for what people most often send by mistake; anything else is named by extension. */
const DESCRIPTIONS: Record<string, string> = {
  zip: 'a zip archive',
  exe: 'a Windows program',
  elf: 'a program',
  gif: 'a GIF image',
  webp: 'a WebP image',
  heic: 'an iPhone photo (HEIC)',
  avif: 'an AVIF image',
  tif: 'a TIFF image',
  bmp: 'a BMP image',
  svg: 'an SVG drawing',
  xml: 'an XML file',
  rtf: 'a Rich Text document',
  pptx: 'a PowerPoint presentation',
  ppsx: 'a PowerPoint slide show',
  docm: 'a Word document with macros',
  dotx: 'a Word template',
  xlsm: 'an Excel workbook with macros',
  xltx: 'an Excel template',
  odt: 'an OpenDocument text',
  ods: 'an OpenDocument spreadsheet',
  odp: 'an OpenDocument presentation',
  epub: 'an e-book',
  rar: 'a RAR archive',
  '7z': 'a 7-Zip archive',
  gz: 'a compressed (gzip) file',
  mp4: 'a video',
  mov: 'a video',
  mp3: 'an audio file',
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
  const shownName = displayFileName(file.originalName);
  const quoted = `“${shownName}”`;
  const { size } = await stat(file.path);
  if (file.size === 0 || size === 0) {
    throw new UploadRefused(`${quoted} is empty. Please check the file and choose it again.`);
  }

  const detected = await fileTypeFromFile(file.path);
  const nameExtension = extensionOf(shownName);
  let kind: EvidenceKind | undefined = detected ? DETECTED_KINDS[detected.ext] : undefined;

  if (detected?.ext === 'cfb') {
    // Word 97-2003 and Excel 97-2003 files share one container; only the name tells them apart.
    if (nameExtension === 'doc' || nameExtension === 'xls') kind = nameExtension;
    else {
      throw new UploadRefused(
        `${quoted} looks like an older Microsoft Office file, but its name does not end in .doc or .xls, ` +
          `so we cannot tell what it is. Please upload ${ACCEPTED_TYPES_TEXT}.`,
      );
    }
  }

  if (!kind) {
    const what = detected ? describeDetected(detected.ext) : await describeUnknown(file.path);
    const claimed = CLAIMED_BY_EXTENSION[nameExtension];
    if (detected?.ext === 'zip') {
      throw new UploadRefused(
        `${quoted} is a zip archive, not ${claimed ?? 'a Word or Excel document'}. ` +
          `Please upload the files inside it one by one, as ${ACCEPTED_TYPES_TEXT}.`,
      );
    }
    const not = claimed ? `, not ${claimed}` : '';
    throw new UploadRefused(
      what
        ? `${quoted} looks like ${what}${not}. Please upload ${ACCEPTED_TYPES_TEXT}.`
        : `We could not recognise the type of ${quoted}. Please upload ${ACCEPTED_TYPES_TEXT}.`,
    );
  }

  if (kind === 'docx' || kind === 'xlsx') await refuseHostileArchive(file.path, quoted, kind);
  return { kind, contentType: KINDS[kind].contentType, safeName: safeNameFor(file.originalName, kind) };
}

async function refuseHostileArchive(filePath: string, quoted: string, kind: 'docx' | 'xlsx'): Promise<void> {
  const found = await officeArchiveProblem(filePath);
  if (!found) return;
  const what = kind === 'docx' ? 'Word document' : 'Excel spreadsheet';
  const saveAgain = `Please open it, save it again as a new ${what}, and upload that copy, or upload it as a PDF.`;
  const { maxEntries, maxUnpackedBytes, maxRatio } = OFFICE_ARCHIVE_LIMITS;
  switch (found.problem) {
    case 'damaged':
      throw new UploadRefused(`${quoted} looks damaged: we could not open it as a ${what}. ${saveAgain}`);
    case 'too many parts':
      throw new UploadRefused(
        `${quoted} is made of more than ${maxEntries} parts, far more than a real ${what} has. ${saveAgain}`,
      );
    case 'too large unpacked':
      throw new UploadRefused(
        `${quoted} would take more than ${formatBytes(maxUnpackedBytes)} once opened, far more than a real ${what} needs. ${saveAgain}`,
      );
    case 'packed too tightly':
      throw new UploadRefused(
        `${quoted} is packed in a way real documents never are (one part grows more than ${maxRatio} times when opened). ${saveAgain}`,
      );
  }
}

function describeDetected(ext: string): string {
  return DESCRIPTIONS[ext] ?? `a .${ext} file`;
}

/** file-type only knows binary formats; the usual text ones are told apart here. */
async function describeUnknown(filePath: string): Promise<string | undefined> {
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
  if (/^<!doctype html|^<html[\s>]|^<head[\s>]/.test(text)) return 'an HTML page';
  if (text.startsWith('{\\rtf')) return 'a Rich Text document';
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'an SVG drawing';
  if (text.startsWith('<?xml')) return 'an XML file';
  if (text.startsWith('%!ps')) return 'a PostScript file';
  return 'plain text';
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

/** A size for people, in 1024-byte units as the limits are set: "20 MB", "512 KB", "1.5 MB". */
export function formatBytes(n: number): string {
  if (n === 1) return '1 byte';
  let value = n;
  let unit = 0;
  while (unit < UNITS.length - 1 && Math.abs(value) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${n} bytes`;
  let rounded = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  if (rounded >= 1024 && unit < UNITS.length - 1) {
    rounded = 1;
    unit += 1;
  }
  return `${rounded} ${UNITS[unit]}`;
}
