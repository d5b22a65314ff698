/** @module What the conformance suite must know about the job it is pointed at. */

/** One call and its expected JSON answer. */
export interface ExpectedCall {
  input: Record<string, unknown>;
  output: unknown;
}

/** Describes the sample job served at `baseUrl`; features left out are not checked. */
export interface SampleDescription {
  /** Job name as served under `/pub/job/{jobName}/{version}`. */
  jobName: string;
  /** A successful perform call (its input must also be the documented example unless `hasExample` is false). */
  perform: ExpectedCall;
  /** False when the job defines no docs_input_example(s) for perform (default true). */
  hasExample?: boolean;
  /** perform's parameter names, required ones first, in declaration order within each group. */
  parameters: { name: string; required: boolean }[];
  /** Inputs that must be rejected with 400 and a message naming `field` (a missing-field case is always checked). */
  invalidInputs?: { input: Record<string, unknown>; field: string }[];
  /** Input on which perform throws: must give 500 with a JSON error body containing `message`. */
  failingInput?: { input: Record<string, unknown>; message: string };
  /** Auxiliary endpoints: path relative to /api/v1 (e.g. `/explain`). */
  auxiliary?: (ExpectedCall & { path: string })[];
  /** Static endpoints: path relative to /api/v1, expected content type prefix and a text the body contains. */
  staticFiles?: { path: string; contentType: string; contains: string }[];
  /** A static endpoint serving a directory (relative to /api/v1), used to try leaving it with `..`. */
  staticDirectory?: { path: string; outsideFile: string; outsideText: string };
  /** Webview page (relative to /api/v1/webview) and a file from the webview's static/ directory. */
  webview?: { page: string; contains: string; staticFile?: { path: string; contains: string } };
  /** Names of the job's own metrics expected at /metrics. */
  customMetrics?: string[];
  /** Input on which perform keeps a CPU busy for about 2 s: probes must still answer within 1 s meanwhile. */
  cpuBoundInput?: Record<string, unknown>;
  /** The job is started with max_concurrency/max_concurrency_queue and `slowInput` keeps perform busy ~1-2 s. */
  concurrency?: { maxConcurrency: number; maxQueue: number; slowInput: Record<string, unknown> };
}

/** A started job: where it answers and how to stop it. */
export interface StartedJob {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Options of one conformance run. */
export interface ConformanceOptions {
  /** Name of the describe block, e.g. `python3 wrapper: python-adder`. */
  name: string;
  /** Starts the job (may return before it is ready; the suite waits for /ready). */
  start: () => Promise<StartedJob>;
  sample: SampleDescription;
  /** How long to wait for /ready after start, default 60 s. */
  readyTimeoutMs?: number;
  /** The base URL is the job behind the gateway (`<pub>/job/{name}/{version}`): checks that add the mount themselves are skipped. */
  viaPub?: boolean;
}
