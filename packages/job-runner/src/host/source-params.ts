/** @module Reads parameter names from a function's source text: the fallback when no build-time schema exists. */
import type { SourceParameter } from './protocol.ts';

/** Parameter names of `fn` in order; destructured parameters come back as `argN`. */
export function readSourceParameters(fn: (...args: never[]) => unknown): SourceParameter[] {
  const text = Function.prototype.toString.call(fn);
  const open = text.indexOf('(');
  if (open < 0) {
    const arrow = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(text);
    return arrow?.[1] ? [{ name: arrow[1], hasDefault: false, rest: false }] : [];
  }
  const parts = splitTopLevel(text.slice(open + 1, closingIndex(text, open)));
  return parts
    .map((part) => part.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').trim())
    .filter((part) => part.length > 0)
    .map((part, index) => {
      const rest = part.startsWith('...');
      const body = rest ? part.slice(3) : part;
      const name = /^([A-Za-z_$][\w$]*)/.exec(body)?.[1] ?? `arg${index}`;
      return { name, hasDefault: body.includes('='), rest };
    });
}

function closingIndex(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
