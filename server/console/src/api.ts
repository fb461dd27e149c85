/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** Calls to the service's JSON API. Errors carry the service's `{ error: { code, message } }`. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Listener = (error: ApiError) => void;
let onUnauthorized: Listener = () => undefined;

/** Called when a staff route answers 401: the session has ended (expired, signed out elsewhere, restart). */
export function whenUnauthorized(listener: Listener): void {
  onUnauthorized = listener;
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', '无法连接服务，请检查网络后重试');
  }
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    const apiError = new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `服务返回错误（HTTP ${response.status}）`,
    );
    if (response.status === 401 && url.startsWith('/v1/staff/') && !(method === 'POST' && url === '/v1/staff/session'))
      onUnauthorized(apiError);
    throw apiError;
  }
  return data as T;
}
