/** Codes of the errors `startServer` rejects with. */
export type ServerErrorCode = 'listen_failed' | 'invalid_certificate';

/** The server could not start: a port in use, an address not available, a certificate that does not load. */
export class ServerError extends Error {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ServerError';
  }
}
