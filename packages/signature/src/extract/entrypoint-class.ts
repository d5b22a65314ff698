/** @module Finds the entrypoint class among a module's exports (by name, default export, or the only class). */
import ts from 'typescript';
import { RacetrackError } from '@racetrack/core';

/** The class the runner will instantiate, with how the module exports it. */
export interface EntrypointClass {
  symbol: ts.Symbol;
  declaration: ts.ClassLikeDeclaration;
  className: string;
  exportName: string;
}

/** Picks the entrypoint class: `className` if given, else the default export, else the single exported class. */
export function findEntrypointClass(
  checker: ts.TypeChecker,
  sourceFile: ts.SourceFile,
  className: string | undefined,
): EntrypointClass {
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  const exported = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
  const classes: EntrypointClass[] = [];
  for (const exportSymbol of exported) {
    const symbol = exportSymbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exportSymbol) : exportSymbol;
    const declaration = symbol.declarations?.find((d): d is ts.ClassLikeDeclaration => ts.isClassLike(d));
    if (!declaration) continue;
    const ownName = declaration.name?.text ?? exportSymbol.getName();
    classes.push({ symbol, declaration, className: ownName, exportName: exportSymbol.getName() });
  }
  const where = sourceFile.fileName;
  if (className !== undefined) {
    const match = classes.find((c) => c.exportName === className) ?? classes.find((c) => c.className === className);
    if (match) return match;
    const names = classes.map((c) => c.exportName).join(', ') || 'none';
    throw new RacetrackError('BAD_REQUEST', `entrypoint_class "${className}" is not exported by ${where} (exported classes: ${names})`);
  }
  const byDefault = classes.find((c) => c.exportName === 'default');
  if (byDefault) return byDefault;
  if (classes.length === 1 && classes[0]) return classes[0];
  if (classes.length === 0) {
    throw new RacetrackError('BAD_REQUEST', `${where} exports no class: add \`export default class Job { perform(...) {...} }\``);
  }
  const names = classes.map((c) => c.exportName).join(', ');
  throw new RacetrackError('BAD_REQUEST', `${where} exports several classes (${names}): choose one with jobtype_extra.entrypoint_class`);
}
