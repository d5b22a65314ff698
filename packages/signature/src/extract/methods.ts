/** @module Reads each public method of the entrypoint class into a MethodSchema (parameters, docs, return). */
import ts from 'typescript';
import { conventionMethodNames, type MethodSchema, type ParameterSchema, type JsonSchema } from '@racetrack/job-runner';
import { acceptsUndefined, typeToSchema } from './type-schema.ts';

const skipped = new Set<string>(conventionMethodNames);

/** Every public, non-convention method of the class, by name. */
export function readMethods(checker: ts.TypeChecker, classSymbol: ts.Symbol, at: ts.Node): Record<string, MethodSchema> {
  const instanceType = checker.getDeclaredTypeOfSymbol(classSymbol);
  const methods: Record<string, MethodSchema> = {};
  for (const property of checker.getPropertiesOfType(instanceType)) {
    const name = property.getName();
    if (skipped.has(name) || name.startsWith('#') || name.startsWith('_') || isHidden(property)) continue;
    const declaration = property.valueDeclaration;
    const type = checker.getTypeOfSymbolAtLocation(property, declaration ?? at);
    const signature = type.getCallSignatures()[0];
    if (!signature) continue;
    methods[name] = readMethod(checker, name, property, signature, at);
  }
  return methods;
}

function isHidden(symbol: ts.Symbol): boolean {
  const declaration = symbol.valueDeclaration;
  if (!declaration) return false;
  const modifiers = ts.getCombinedModifierFlags(declaration);
  return (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static)) !== 0;
}

function readMethod(checker: ts.TypeChecker, name: string, symbol: ts.Symbol, signature: ts.Signature, at: ts.Node): MethodSchema {
  const parameters = signature.getParameters().map((p) => readParameter(checker, p, at));
  const properties: Record<string, JsonSchema> = {};
  for (const p of parameters) properties[p.name] = withDocs(p.schema, p);
  const input: JsonSchema = { type: 'object', properties, additionalProperties: false };
  const required = parameters.filter((p) => p.required).map((p) => p.name);
  if (required.length > 0) input['required'] = required;
  const returnType = signature.getReturnType();
  const awaited = checker.getAwaitedType(returnType) ?? returnType;
  const method: MethodSchema = { name, parameters, input, output: typeToSchema(checker, awaited, at) };
  const description = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  if (description) method.description = description;
  const returns = signature.getJsDocTags().find((t) => t.name === 'returns' || t.name === 'return');
  const returnsText = returns?.text ? ts.displayPartsToString(returns.text).trim() : '';
  if (returnsText) method.returnsDescription = returnsText;
  return method;
}

function withDocs(schema: JsonSchema, p: ParameterSchema): JsonSchema {
  const out = { ...schema };
  if (p.description) out['description'] = p.description;
  if (p.default !== undefined) out['default'] = p.default;
  return out;
}

function readParameter(checker: ts.TypeChecker, symbol: ts.Symbol, at: ts.Node): ParameterSchema {
  const declaration = symbol.valueDeclaration as ts.ParameterDeclaration | undefined;
  const type = checker.getTypeOfSymbolAtLocation(symbol, declaration ?? at);
  const rest = declaration?.dotDotDotToken !== undefined;
  const optional = declaration
    ? declaration.questionToken !== undefined || declaration.initializer !== undefined || checker.isOptionalParameter(declaration)
    : false;
  const required = !rest && !optional && !(type.isUnion() && acceptsUndefined(type));
  const parameter: ParameterSchema = {
    name: symbol.getName(),
    // `b?: string`, `b: string | undefined` and `b: string | undefined = undefined` are one thing to a caller.
    type: required ? typeText(checker, type, declaration) : withoutUndefined(typeText(checker, type, declaration)),
    required,
    schema: typeToSchema(checker, type, declaration ?? at),
  };
  if (rest) parameter.rest = true;
  const description = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim().replace(/^-\s*/, '');
  if (description) parameter.description = description;
  // `= undefined` is no default at all: report it like `x?: T` (default_value null), not as the text "undefined".
  if (declaration?.initializer && !isUndefinedLiteral(declaration.initializer)) {
    const literal = jsonLiteral(declaration.initializer);
    if (literal.ok) parameter.default = literal.value;
    else parameter.defaultText = declaration.initializer.getText();
  }
  return parameter;
}

function isUndefinedLiteral(node: ts.Expression): boolean {
  return (ts.isIdentifier(node) && node.text === 'undefined') || ts.isVoidExpression(node);
}

/** `string | undefined` → `string`: optionality is reported by `required`, not by the type name. */
function withoutUndefined(text: string): string {
  const parts = text.split('|').map((part) => part.trim());
  const kept = parts.filter((part) => part !== 'undefined');
  return kept.length > 0 && kept.length < parts.length ? kept.join(' | ') : text;
}

function typeText(checker: ts.TypeChecker, type: ts.Type, declaration: ts.ParameterDeclaration | undefined): string {
  const written = declaration?.type ?? (declaration ? ts.getJSDocType(declaration) : undefined);
  if (written) return written.getText().replace(/\s+/g, ' ');
  const widened = checker.getBaseTypeOfLiteralType(type);
  return checker.typeToString(widened, undefined, ts.TypeFormatFlags.NoTruncation);
}

/** Evaluates an initializer that is a plain JSON literal (numbers, strings, booleans, null, arrays, objects). */
function jsonLiteral(node: ts.Expression): { ok: true; value: unknown } | { ok: false } {
  if (ts.isNumericLiteral(node)) return { ok: true, value: Number(node.text) };
  if (ts.isStringLiteralLike(node)) return { ok: true, value: node.text };
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { ok: true, value: true };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { ok: true, value: false };
  if (node.kind === ts.SyntaxKind.NullKeyword) return { ok: true, value: null };
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) {
    return { ok: true, value: -Number(node.operand.text) };
  }
  if (ts.isArrayLiteralExpression(node)) {
    const items: unknown[] = [];
    for (const element of node.elements) {
      const item = jsonLiteral(element);
      if (!item.ok) return item;
      items.push(item.value);
    }
    return { ok: true, value: items };
  }
  if (ts.isObjectLiteralExpression(node)) {
    const value: Record<string, unknown> = {};
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property)) return { ok: false };
      const key = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
      const item = jsonLiteral(property.initializer);
      if (key === undefined || !item.ok) return { ok: false };
      value[key] = item.value;
    }
    return { ok: true, value };
  }
  return { ok: false };
}
