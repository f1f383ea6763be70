/**
 * A scripted OpenStackSession for unit tests of list paging and action sequencing: each
 * request is answered by `respond`, which sees method, path and query. It only shapes
 * answers; tests assert results, never which calls were made.
 */
import { BadRequestError, ConflictError, NotFoundError } from '../../../src/openstack/errors.js';
import type {
  OpenStackRequest,
  OpenStackResponse,
  OpenStackSession,
  ServiceType,
} from '../../../src/openstack/session.js';

export type Responder = (req: OpenStackRequest) => { status: number; body?: unknown };

export class ScriptedSession implements OpenStackSession {
  constructor(private readonly respond: Responder) {}

  request<T>(req: OpenStackRequest): Promise<OpenStackResponse<T>> {
    const { status, body } = this.respond(req);
    const init = { service: req.service, operation: req.operation, status };
    if (status === 404) return Promise.reject(new NotFoundError(init));
    if (status === 409) return Promise.reject(new ConflictError(init));
    if (status === 400) return Promise.reject(new BadRequestError(init));
    return Promise.resolve({ status, body: body as T, requestId: null, headers: {} });
  }

  endpoint(service: ServiceType): Promise<string> {
    return Promise.resolve(`http://127.0.0.1/${service}`);
  }

  projectId(): Promise<string> {
    return Promise.resolve('project');
  }
}
