/**
 * @module The job schema contract: what `@racetrack/signature` writes at build time
 * (`perform.schema.json`) and the runner reads at start. Plain JSON, versioned by `schemaVersion`.
 */

/** A JSON Schema (draft-07 subset) object. */
export type JsonSchema = Record<string, unknown>;

/** One parameter of an entrypoint method, in declaration order. */
export interface ParameterSchema {
  name: string;
  /** The type as written in the source (TypeScript syntax), for `/parameters` and docs. */
  type: string;
  required: boolean;
  /** The default value when it is a JSON literal in the source. */
  default?: unknown;
  /** The default value's source text when it is not a JSON literal (e.g. `Math.PI`). */
  defaultText?: string;
  description?: string;
  /** True for a rest parameter (`...values: number[]`): the body field holds the array to spread. */
  rest?: boolean;
  schema: JsonSchema;
}

/** The signature of one method that can be called through HTTP (perform or an auxiliary one). */
export interface MethodSchema {
  name: string;
  description?: string;
  parameters: ParameterSchema[];
  /** JSON Schema of the request body: an object keyed by parameter name. */
  input: JsonSchema;
  /** JSON Schema of the (awaited) return value. */
  output: JsonSchema;
  returnsDescription?: string;
}

/** Everything the runner needs to know about an entrypoint class's types. */
export interface JobSchema {
  schemaVersion: 1;
  /** The class's own name. */
  className: string;
  /** How the module exports it: `default` or the export name. */
  exportName: string;
  /** Callable methods by name; `perform` is always present. */
  methods: Record<string, MethodSchema>;
}

/** Method names the runner treats as conventions, never as callable endpoints. */
export const conventionMethodNames = [
  'constructor',
  'init',
  'docsInputExample',
  'docsInputExamples',
  'auxiliaryEndpoints',
  'staticEndpoints',
  'webviewApp',
  'metrics',
] as const;
