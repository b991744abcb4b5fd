/** Why EPay will not open a PGlite data directory; start-up stops with this message. */
export class DataDirError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DataDirError'
  }
}
