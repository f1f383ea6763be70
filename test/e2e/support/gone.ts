/** Positive evidence that an OpenStack object is gone: the API answered 404 for it. */
import { NotFoundError } from '../../../src/openstack/errors.js';

/** True once `read` fails with a 404; false while it succeeds; any other failure is thrown. */
export async function answers404(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (err) {
    if (err instanceof NotFoundError) return true;
    throw err;
  }
}
