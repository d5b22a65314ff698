/** @module YAML parsing for manifests: syntax errors with line and column, and positions of fields. */
import { RacetrackError } from '@racetrack/core';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** A parsed manifest file: its mapping and a way to find the line of a field path. */
export interface ParsedManifestYaml {
  fields: Record<string, unknown>;
  /** `line N` of the node at a problem path like `git.remote` or `public_endpoints[1]`, if present in this file. */
  locate(path: string): string | undefined;
}

/** Parses manifest YAML text; syntax errors become MANIFEST_INVALID naming `source:line:column`. */
export function parseManifestYaml(text: string, source: string): ParsedManifestYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError) {
    const position = lineCounter.linePos(firstError.pos[0]);
    const reason = firstError.message.split('\n')[0];
    throw new RacetrackError('MANIFEST_INVALID', `${source}:${position.line}:${position.col}: YAML syntax error: ${reason}`);
  }
  const fields: unknown = document.toJS();
  if (fields === null || fields === undefined) throw new RacetrackError('MANIFEST_INVALID', `${source} is empty: it must be a YAML mapping of manifest fields`);
  if (typeof fields !== 'object' || Array.isArray(fields)) {
    throw new RacetrackError('MANIFEST_INVALID', `${source} must be a YAML mapping of manifest fields, got ${Array.isArray(fields) ? 'a list' : typeof fields}`);
  }
  return { fields: fields as Record<string, unknown>, locate: (path) => locate(document, lineCounter, path) };
}

function locate(document: Document, lineCounter: LineCounter, path: string): string | undefined {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) segments.push(match[2] !== undefined ? Number(match[2]) : (match[1] as string));
  let node: unknown = document.contents;
  let keyNode: unknown;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === segment);
      if (!pair) return undefined;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      keyNode = node;
    } else {
      return undefined;
    }
  }
  const range = (keyNode as { range?: [number, number, number] } | undefined)?.range;
  return range ? `line ${lineCounter.linePos(range[0]).line}` : undefined;
}
