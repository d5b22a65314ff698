/**
 * @module Turns a TypeScript checker type into JSON Schema (draft-07). One walker serves `.ts`
 * and `.js` with JSDoc alike, because the checker resolves JSDoc annotations to the same types.
 */
import ts from 'typescript';
import type { JsonSchema } from '@racetrack/job-runner';

/** Converts `type` to JSON Schema; recursive references become `{}` rather than looping. */
export function typeToSchema(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): JsonSchema {
  return convert({ checker, at, stack: new Set() }, type);
}

interface Walk {
  checker: ts.TypeChecker;
  at: ts.Node;
  stack: Set<ts.Type>;
}

const F = ts.TypeFlags;

function convert(walk: Walk, type: ts.Type): JsonSchema {
  const flags = type.flags;
  if (flags & (F.Any | F.Unknown | F.Never)) return {};
  if (flags & (F.Undefined | F.Void)) return { type: 'null' };
  if (flags & F.Null) return { type: 'null' };
  if (flags & F.BooleanLiteral) return { type: 'boolean', enum: [intrinsicName(type) === 'true'] };
  if (flags & F.Boolean) return { type: 'boolean' };
  if (type.isStringLiteral()) return { type: 'string', enum: [type.value] };
  if (type.isNumberLiteral()) return { type: 'number', enum: [type.value] };
  if (flags & (F.String | F.TemplateLiteral)) return { type: 'string' };
  if (flags & F.Number) return { type: 'number' };
  if (flags & (F.BigInt | F.BigIntLiteral)) return { type: 'integer' };
  if (type.isUnion()) return unionSchema(walk, type);
  if (walk.stack.has(type)) return {};
  walk.stack.add(type);
  try {
    return objectSchema(walk, type);
  } finally {
    walk.stack.delete(type);
  }
}

function intrinsicName(type: ts.Type): string {
  return (type as ts.Type & { intrinsicName?: string }).intrinsicName ?? '';
}

function unionSchema(walk: Walk, type: ts.UnionType): JsonSchema {
  // An optional value is `T | undefined`; JSON has no undefined, so drop it.
  const members = type.types.filter((t) => !(t.flags & (F.Undefined | F.Void)));
  const booleans = members.filter((t) => t.flags & F.BooleanLiteral);
  const rest = members.filter((t) => !(t.flags & F.BooleanLiteral));
  const parts: JsonSchema[] = [];
  if (booleans.length === 2) parts.push({ type: 'boolean' });
  else for (const b of booleans) parts.push(convert(walk, b));
  const strings = rest.filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value);
  const numbers = rest.filter((t) => t.isNumberLiteral()).map((t) => (t as ts.NumberLiteralType).value);
  if (strings.length > 0) parts.push({ type: 'string', enum: strings });
  if (numbers.length > 0) parts.push({ type: 'number', enum: numbers });
  for (const t of rest) if (!t.isStringLiteral() && !t.isNumberLiteral()) parts.push(convert(walk, t));
  if (parts.length === 1) return parts[0] ?? {};
  if (parts.some((p) => Object.keys(p).length === 0)) return {};
  return { anyOf: parts };
}

function objectSchema(walk: Walk, type: ts.Type): JsonSchema {
  const { checker } = walk;
  const symbolName = type.getSymbol()?.getName();
  if (symbolName === 'Date') return { type: 'string', format: 'date-time' };
  if (symbolName === 'Promise') {
    const awaited = checker.getAwaitedType(type);
    return awaited && awaited !== type ? convert(walk, awaited) : {};
  }
  if (checker.isTupleType(type)) {
    const items = checker.getTypeArguments(type as ts.TypeReference).map((t) => convert(walk, t));
    const target = (type as ts.TypeReference).target as ts.TupleType;
    return { type: 'array', items, minItems: target.minLength, additionalItems: false };
  }
  if (checker.isArrayType(type)) {
    const [item] = checker.getTypeArguments(type as ts.TypeReference);
    return { type: 'array', items: item ? convert(walk, item) : {} };
  }
  if (symbolName === 'Set' || symbolName === 'ReadonlySet') {
    const [item] = checker.getTypeArguments(type as ts.TypeReference);
    return { type: 'array', items: item ? convert(walk, item) : {} };
  }
  if (symbolName === 'Map' || symbolName === 'ReadonlyMap') {
    const [, value] = checker.getTypeArguments(type as ts.TypeReference);
    return { type: 'object', additionalProperties: value ? convert(walk, value) : {} };
  }
  if (type.getCallSignatures().length > 0 && type.getProperties().length === 0) return {};
  return propertiesSchema(walk, type);
}

function propertiesSchema(walk: Walk, type: ts.Type): JsonSchema {
  const { checker, at } = walk;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const propertyType = checker.getTypeOfSymbolAtLocation(property, at);
    // Methods are behaviour, not data: they never travel as JSON.
    if (property.flags & ts.SymbolFlags.Method) continue;
    const schema = convert(walk, propertyType);
    const description = ts.displayPartsToString(property.getDocumentationComment(checker)).trim();
    properties[property.getName()] = description ? { ...schema, description } : schema;
    if (!(property.flags & ts.SymbolFlags.Optional) && !acceptsUndefined(propertyType)) required.push(property.getName());
  }
  const schema: JsonSchema = { type: 'object', properties };
  if (required.length > 0) schema['required'] = required;
  const index = checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & (F.String | F.Number));
  if (index) schema['additionalProperties'] = convert(walk, index.type);
  return schema;
}

/** True when `undefined` is one of the type's values (`x: number | undefined`, `any`, `unknown`). */
export function acceptsUndefined(type: ts.Type): boolean {
  if (type.flags & (F.Any | F.Unknown | F.Undefined | F.Void)) return true;
  return type.isUnion() && type.types.some((t) => t.flags & (F.Undefined | F.Void));
}
