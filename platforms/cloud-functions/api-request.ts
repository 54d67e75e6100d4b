// What both Google APIs of the emulator share: the parsed request and Google's error shape.

export const STATUS_BY_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'UNIMPLEMENTED',
  409: 'ABORTED',
  500: 'INTERNAL',
};

export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
    /** The gRPC status name, when it is not the usual one for the HTTP status (409 ALREADY_EXISTS). */
    readonly status?: string,
  ) {
    super(message);
  }
}

/** One API request, parsed. */
export interface ApiRequest {
  method: string;
  url: URL;
  /** The decoded path. */
  path: string;
  body: string;
  /** The client asked for numeric enums (`$alt=json;enum-encoding=int`, as the Node clients do). */
  numeric: boolean;
}

export function parseJsonBody(body: string): Record<string, unknown> {
  if (!body) return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ApiError(400, 'Invalid JSON payload received.');
}

