/** @module Wires the command table into commander; nothing here decides behaviour. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../commands/context.ts';
import { commandSpecs, type CommandSpec, type OptionSpec } from './spec.ts';

/** Builds the `racetrack` program for one invocation. */
export function createProgram(context: CliContext): Command {
  const program = new Command('racetrack')
    .description('Racetrack client: deploy jobs, call them, and run the Racetrack server')
    .option('-v, --verbose', 'show error details (stack traces)')
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (text) => context.out(text), writeErr: (text) => context.err(text) });
  const groups = new Map<string, Command>();
  for (const spec of commandSpecs(context.settings)) {
    let parent = program;
    for (const word of spec.path.slice(0, -1)) {
      let group = groups.get(word);
      if (!group) {
        group = program.command(word).description(`${word} ${groupTopics(word)}`);
        groups.set(word, group);
      }
      parent = group;
    }
    wireCommand(parent.command(spec.path.at(-1) as string), spec, context);
  }
  return program;
}

function groupTopics(word: string): string {
  return word === 'set' ? 'remote, alias or git credentials' : 'remote, pub, config or auth-token';
}

function wireCommand(command: Command, spec: CommandSpec, context: CliContext): void {
  command.description(spec.description);
  for (const argument of spec.arguments) {
    const label = argument.required ? `<${argument.name}>` : `[${argument.name}]`;
    command.argument(label, argument.description, argument.default);
  }
  for (const option of spec.options) command.addOption(toOption(option));
  command.action(async (...params: unknown[]) => {
    const args = params.slice(0, spec.arguments.length).map((value) => (value === undefined ? undefined : String(value))) as string[];
    await spec.run(context, args, command.opts());
  });
}

function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.value === 'int') {
    option.argParser((value: string) => {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('must be a whole number');
      return number;
    });
  }
  if (spec.value === 'list') {
    const allowed = spec.choices;
    option.argParser((value: string, previous: string[] | undefined) => {
      if (allowed && !allowed.includes(value)) throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}`);
      return [...(previous ?? []), value];
    });
  }
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.mandatory) option.makeOptionMandatory();
  return option;
}
