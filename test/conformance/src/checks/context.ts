/** @module Shared state of one conformance run, handed to every group of checks. */
import type { SampleDescription } from '../sample.ts';

/** What each check group gets: the sample and the base URL once the job has started. */
export interface CheckContext {
  sample: SampleDescription;
  /** Base URL of the running job; only valid inside tests. */
  baseUrl(): string;
  /** `/pub/job/{name}/{version}`: the PUB mount every path must also answer under (any version). */
  mount: string;
  /** True when baseUrl already goes through PUB's /pub/job/{name}/{version}. */
  viaPub: boolean;
}
