/** A stable hex digest for names and tags (deterministic, no I/O). */
import { createHash } from 'node:crypto';

/** SHA-256 of `text` as lowercase hex. */
export function digestHex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
