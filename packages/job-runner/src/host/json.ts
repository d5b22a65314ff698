/** @module Turns whatever user code returns into JSON text with the conversions users expect. */

/** JSON text of `value`: Maps become objects, Sets arrays, bigints numbers or strings, undefined null. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value, replacer) ?? 'null';
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}
