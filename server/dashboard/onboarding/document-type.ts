import type { DocumentType } from '../../../protocol/schemas/dashboard/onboarding.ts'

// File signatures (magic numbers): PDF 1.7 §7.5.2 "%PDF-"; PNG §5.2 the 8-byte signature;
// JPEG/JFIF a start-of-image marker FF D8 followed by another marker FF.
const SIGNATURES: ReadonlyArray<readonly [DocumentType, readonly number[]]> = [
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
]

/**
 * The type of a go-live document from its first bytes, or undefined for anything else. The name
 * and the Content-Type the browser sent are the uploader's to choose, so neither decides: an
 * HTML page or a program called `passport.pdf` is refused, and a PNG called `.pdf` is a PNG.
 */
export function sniffDocumentType(bytes: Uint8Array): DocumentType | undefined {
  return SIGNATURES.find(([, sig]) => sig.every((b, i) => bytes[i] === b))?.[0]
}

/** The extension a stored document is served with, from its sniffed type. */
export const EXTENSION: Record<DocumentType, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' }

/**
 * A file name safe to keep and to put in Content-Disposition: the uploader's base name without
 * path, control or quoting characters, at most 100 characters, with the extension of its real type.
 */
export function documentFileName(name: string, type: DocumentType): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[\u0000-\u001f\u007f"\\;]/g, '').trim().slice(0, 100)
  return `${base || 'document'}.${EXTENSION[type]}`
}
