/** Errors of the Service reconciler. */

/** The Service (or what it references) can never work as written; not retried until it changes. */
export class ServiceInputError extends Error {
  override readonly name = 'ServiceInputError';
}
