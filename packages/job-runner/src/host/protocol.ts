/** @module The contract between the HTTP server and wherever user code runs (same thread or a worker). */

/** Request data user code can see through getRequestContext() and that chain calls pass on. */
export interface RequestContextData {
  requestId: string;
  /** Lower-cased headers of the incoming request that matter downstream (auth, tracing, caller). */
  headers: Record<string, string>;
}

/** A parameter name read from the function's source when no build-time schema exists. */
export interface SourceParameter {
  name: string;
  hasDefault: boolean;
  rest: boolean;
}

/** One HTTP-callable function of the entrypoint. */
export interface EndpointInfo {
  /** Method name on the class when the function is one (schema lookup key); undefined for a free function. */
  methodName: string | undefined;
  parameters: SourceParameter[];
}

/** A static endpoint as the entrypoint declared it. */
export interface StaticEntry {
  file: string;
  mimetype?: string;
}

/** What the runner learns from the constructed entrypoint. */
export interface EntrypointInfo {
  className: string;
  /** Keyed by endpoint path relative to `/api/v1` (`/perform`, `/explain`). */
  endpoints: Record<string, EndpointInfo>;
  staticEndpoints: Record<string, StaticEntry>;
  /** Example request bodies keyed like `endpoints`. */
  examples: Record<string, Record<string, unknown>>;
  hasWebview: boolean;
  hasMetrics: boolean;
}

/** A user metric as `metrics()` returns it. */
export interface UserMetric {
  name: string;
  value: number | null;
  description?: string;
  labels?: Record<string, string>;
}

/** An error thrown by user code, flattened so it can cross a thread boundary. */
export interface SerializedError {
  message: string;
  type: string;
  stack?: string;
  /** An HTTP status the user attached (`error.statusCode` or `error.status`, 400-599). */
  status?: number;
}

/** A webview request in plain data (the handler receives a fetch `Request`). */
export interface WebviewRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** A webview response in plain data. */
export interface WebviewResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Runs the user's entrypoint; the server talks to user code only through this. */
export interface EntrypointHost {
  /** Imports and constructs the entrypoint (awaiting `init()`), rejecting with the user's error. */
  start(): Promise<EntrypointInfo>;
  /** Calls the endpoint's function with positional args; resolves with the result as JSON text. */
  call(endpoint: string, args: unknown[], context: RequestContextData): Promise<string>;
  metrics(): Promise<UserMetric[]>;
  webview(request: WebviewRequest, baseUrl: string): Promise<WebviewResponse>;
  close(): Promise<void>;
}

/** Error raised by the host carrying the user's error across. */
export class UserCodeError extends Error {
  readonly detail: SerializedError;
  constructor(detail: SerializedError) {
    super(detail.message);
    this.name = 'UserCodeError';
    this.detail = detail;
  }
}
