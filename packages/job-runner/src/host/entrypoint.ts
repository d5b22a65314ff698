/**
 * @module The user's entrypoint object and the conventions read from it (perform, auxiliaryEndpoints,
 * staticEndpoints, docsInputExample(s), webviewApp, metrics, init). Runs in the thread that runs user code.
 */
import { pathToFileURL } from 'node:url';
import { RacetrackError } from '@racetrack/core';
import { runWithRequestContext } from '../context/index.ts';
import { toJsonText } from './json.ts';
import { readSourceParameters } from './source-params.ts';
import type { EndpointInfo, EntrypointInfo, RequestContextData, SerializedError, StaticEntry, UserMetric, WebviewRequest, WebviewResponse } from './protocol.ts';

type AnyFunction = (...args: unknown[]) => unknown;
type Entrypoint = Record<string, unknown>;
/** A fetch-style handler (`(Request) => Response`), or an object with one (a Hono app). */
type WebviewHandler = (request: Request) => Response | Promise<Response>;

/** Where the entrypoint comes from: a module file, a class, or a ready instance. */
export type EntrypointSource =
  | { kind: 'file'; path: string; className?: string }
  | { kind: 'class'; constructor: new () => object }
  | { kind: 'instance'; instance: object };

/** A constructed entrypoint with its endpoint table. */
export class LoadedEntrypoint {
  readonly info: EntrypointInfo;
  private readonly instance: Entrypoint;
  private readonly functions: Map<string, AnyFunction>;
  private readonly webviews = new Map<string, WebviewHandler>();

  constructor(instance: Entrypoint, info: EntrypointInfo, functions: Map<string, AnyFunction>) {
    this.instance = instance;
    this.info = info;
    this.functions = functions;
  }

  /** Calls an endpoint's function inside the request context; resolves with JSON text. */
  call(endpoint: string, args: unknown[], context: RequestContextData): Promise<string> | string {
    const fn = this.functions.get(endpoint);
    if (!fn) throw new RacetrackError('NOT_FOUND', `no endpoint ${endpoint}`);
    const result = runWithRequestContext(context, () => fn.apply(this.instance, args));
    // A synchronous perform answers without a promise round: most of a trivial call's cost.
    return result instanceof Promise ? result.then(toJsonText) : toJsonText(result);
  }

  /** The user's metrics() entries (empty when the class has none). */
  async metrics(): Promise<UserMetric[]> {
    const metrics = this.instance['metrics'];
    if (typeof metrics !== 'function') return [];
    const value: unknown = await metrics.call(this.instance);
    return Array.isArray(value) ? (value as UserMetric[]) : [];
  }

  /** Passes one request to the handler `webviewApp(baseUrl)` returned (created once per base URL). */
  async webview(request: WebviewRequest, baseUrl: string): Promise<WebviewResponse> {
    let handler = this.webviews.get(baseUrl);
    if (!handler) {
      handler = toWebviewHandler(await (this.instance['webviewApp'] as AnyFunction).call(this.instance, baseUrl));
      this.webviews.set(baseUrl, handler);
    }
    const init: RequestInit = { method: request.method, headers: request.headers };
    if (request.body && request.body.byteLength > 0 && !['GET', 'HEAD'].includes(request.method)) init.body = request.body;
    const response = await handler(new Request(request.url, init));
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
  }
}

function toWebviewHandler(app: unknown): WebviewHandler {
  if (typeof app === 'function') return app as WebviewHandler;
  if (app && typeof (app as { fetch?: unknown }).fetch === 'function') {
    const target = app as { fetch: WebviewHandler };
    return (request) => target.fetch(request);
  }
  throw new RacetrackError('BAD_REQUEST', 'webviewApp(baseUrl) must return a fetch handler `(request: Request) => Response` or an object with fetch()');
}

/** Imports (if needed), constructs and initialises the entrypoint, then reads its conventions. */
export async function loadEntrypoint(source: EntrypointSource): Promise<LoadedEntrypoint> {
  const instance = (await instantiate(source)) as Entrypoint;
  if (typeof instance['init'] === 'function') await (instance['init'] as AnyFunction).call(instance);
  if (typeof instance['perform'] !== 'function') {
    throw new RacetrackError('BAD_REQUEST', `entrypoint class ${className(instance)} has no perform(...) method`);
  }
  const functions = new Map<string, AnyFunction>([['/perform', instance['perform'] as AnyFunction]]);
  const endpoints: Record<string, EndpointInfo> = { '/perform': describe(instance, 'perform', instance['perform'] as AnyFunction) };
  for (const [path, fn] of Object.entries(await callOptional(instance, 'auxiliaryEndpoints'))) {
    if (typeof fn !== 'function') throw new RacetrackError('BAD_REQUEST', `auxiliaryEndpoints()["${path}"] must be a function`);
    const key = normalizePath(path);
    functions.set(key, fn as AnyFunction);
    endpoints[key] = describe(instance, methodNameOf(instance, fn as AnyFunction), fn as AnyFunction);
  }
  const info: EntrypointInfo = {
    className: className(instance),
    endpoints,
    staticEndpoints: readStaticEndpoints(await callOptional(instance, 'staticEndpoints')),
    examples: await readExamples(instance),
    hasWebview: typeof instance['webviewApp'] === 'function',
    hasMetrics: typeof instance['metrics'] === 'function',
  };
  return new LoadedEntrypoint(instance, info, functions);
}

async function instantiate(source: EntrypointSource): Promise<object> {
  if (source.kind === 'instance') return source.instance;
  if (source.kind === 'class') return new source.constructor();
  const module = (await import(pathToFileURL(source.path).href)) as Record<string, unknown>;
  const Class = pickClass(module, source.className, source.path);
  return new Class();
}

function pickClass(module: Record<string, unknown>, wanted: string | undefined, where: string): new () => object {
  const classes = Object.entries(module).filter(([, value]) => typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value)));
  if (wanted !== undefined) {
    const match = classes.find(([name]) => name === wanted) ?? classes.find(([, value]) => (value as AnyFunction).name === wanted);
    if (!match) throw new RacetrackError('BAD_REQUEST', `entrypoint_class "${wanted}" is not exported by ${where} (exported classes: ${classes.map(([n]) => n).join(', ') || 'none'})`);
    return match[1] as new () => object;
  }
  const chosen = classes.find(([name]) => name === 'default') ?? (classes.length === 1 ? classes[0] : undefined);
  if (chosen) return chosen[1] as new () => object;
  if (classes.length === 0) throw new RacetrackError('BAD_REQUEST', `${where} exports no class: add \`export default class Job { perform(...) {...} }\``);
  throw new RacetrackError('BAD_REQUEST', `${where} exports several classes (${classes.map(([n]) => n).join(', ')}): choose one with entrypoint_class`);
}

function className(instance: object): string {
  return instance.constructor?.name || 'Entrypoint';
}

async function callOptional(instance: Entrypoint, name: string): Promise<Record<string, unknown>> {
  const fn = instance[name];
  if (typeof fn !== 'function') return {};
  const value: unknown = await fn.call(instance);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new RacetrackError('BAD_REQUEST', `${name}() must return an object mapping paths to values`);
  return value as Record<string, unknown>;
}

/** Finds the class method a function is (also when bound), so its build-time schema applies. */
function methodNameOf(instance: Entrypoint, fn: AnyFunction): string | undefined {
  const bound = fn.name.startsWith('bound ') ? fn.name.slice('bound '.length) : undefined;
  for (let proto = Object.getPrototypeOf(instance); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const member = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (member === fn || (bound === name && typeof member === 'function')) return name;
    }
  }
  return undefined;
}

function describe(instance: Entrypoint, methodName: string | undefined, fn: AnyFunction): EndpointInfo {
  // A bound function's source is "[native code]": read the names from the method it was bound from.
  const method = methodName ? instance[methodName] : undefined;
  return { methodName, parameters: readSourceParameters(typeof method === 'function' ? (method as AnyFunction) : fn) };
}

/** `explain`, `/explain` and `/api/v1/explain` all mean `/explain`. */
export function normalizePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  const trimmed = withSlash.startsWith('/api/v1/') ? withSlash.slice('/api/v1'.length) : withSlash;
  return trimmed.length > 1 ? trimmed.replace(/\/+$/, '') : trimmed;
}

function readStaticEndpoints(declared: Record<string, unknown>): Record<string, StaticEntry> {
  const entries: Record<string, StaticEntry> = {};
  for (const [path, value] of Object.entries(declared)) {
    if (typeof value === 'string') entries[normalizePath(path)] = { file: value };
    else if (Array.isArray(value) && typeof value[0] === 'string') {
      entries[normalizePath(path)] = typeof value[1] === 'string' ? { file: value[0], mimetype: value[1] } : { file: value[0] };
    } else throw new RacetrackError('BAD_REQUEST', `staticEndpoints()["${path}"] must be a file path or [path, mimetype]`);
  }
  return entries;
}

const maxExampleBytes = 1024 * 1024;

async function readExamples(instance: Entrypoint): Promise<Record<string, Record<string, unknown>>> {
  const examples: Record<string, Record<string, unknown>> = {};
  if (typeof instance['docsInputExample'] === 'function') {
    examples['/perform'] = checkExample('docsInputExample()', await (instance['docsInputExample'] as AnyFunction).call(instance));
  }
  for (const [path, example] of Object.entries(await callOptional(instance, 'docsInputExamples'))) {
    examples[normalizePath(path)] = checkExample(`docsInputExamples()["${path}"]`, example);
  }
  return examples;
}

function checkExample(where: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RacetrackError('BAD_REQUEST', `${where} must return an object of parameter values`);
  const text = toJsonText(value);
  if (Buffer.byteLength(text) > maxExampleBytes) throw new RacetrackError('BAD_REQUEST', `${where} is larger than 1 MB`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Flattens anything thrown by user code so it can cross threads and become an error body. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { message: String(error), type: typeof error };
  const detail: SerializedError = { message: error.message, type: error.constructor?.name && error.constructor.name !== 'Error' ? error.constructor.name : error.name };
  if (error.stack) detail.stack = error.stack;
  const carried = (error as { statusCode?: unknown; status?: unknown }).statusCode ?? (error as { status?: unknown }).status;
  if (typeof carried === 'number' && carried >= 400 && carried <= 599) detail.status = carried;
  return detail;
}
