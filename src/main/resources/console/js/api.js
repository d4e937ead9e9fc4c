// The console's one way to reach Convene: its public API, with the credential from this tab's
// sessionStorage in the Authorization header. The credential never goes into a URL, a cookie or localStorage.

const KEY = 'convene.console.credential';

export const session = {
  get() {
    const raw = sessionStorage.getItem(KEY);
    return raw ? JSON.parse(raw) : null;
  },
  /** kind: 'key' (an API key or access token of a tenant) or 'admin' (the admin token). */
  set(kind, secret) {
    sessionStorage.setItem(KEY, JSON.stringify({ kind, secret }));
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, error, requestId) {
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.field = error.field || null;
    this.requestId = requestId || null;
  }
}

/**
 * Calls the API and answers {status, data, etag}; a non-2xx answer throws an ApiError carrying the
 * API's own code, message and field.
 */
export async function call(method, path, body, options = {}) {
  const credential = options.credential || session.get();
  const headers = { Accept: 'application/json' };
  if (credential) headers.Authorization = `Bearer ${credential.secret}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  if (method !== 'GET') headers['Idempotency-Key'] = options.idempotencyKey || crypto.randomUUID();
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, { code: 'network_error', message: 'Convene did not answer; is it running?' });
  }
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error && typeof data.error === 'object' ? data.error
      : { code: `http_${response.status}`, message: `Convene answered ${response.status}` };
    throw new ApiError(response.status, error, data && data.request_id);
  }
  return { status: response.status, data, etag: response.headers.get('ETag') };
}

/** A query string from the filled-in fields only. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value != null && value !== '') q.set(name, value);
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}
