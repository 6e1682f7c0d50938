import { Argument, Command, type Option } from 'commander';
import { bashScript, zshScript, type CompletionNode } from './completion-scripts.ts';

const INSTALL = `
Install (once):
  bash  fraud completion bash > ~/.local/share/bash-completion/completions/fraud
  zsh   fraud completion zsh > "\${fpath[1]}/_fraud"   (then restart the shell)
or, for the current shell only: source <(fraud completion bash)   (zsh: source <(fraud completion zsh))

The script lists every command, subcommand and option of this version: generate it again after an upgrade.`;

/** `fraud completion bash|zsh`: a static script made from the commands themselves, so it never drifts from them. */
export function completionCommand(loadAll: () => Promise<Command[]>): Command {
  return new Command('completion')
    .description('print a shell completion script: bash or zsh')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .addHelpText('after', INSTALL)
    .action(async (shell: 'bash' | 'zsh') => {
      const root: CompletionNode = { name: 'fraud', description: 'fraud', options: [{ flag: '--version', takesValue: false, description: 'print the version' }], children: (await loadAll()).map(toNode) };
      process.stdout.write(shell === 'bash' ? bashScript(root) : zshScript(root));
    });
}

function toNode(command: Command): CompletionNode {
  return {
    name: command.name(),
    description: command.description(),
    options: command.options.map(toOption),
    children: command.commands.map(toNode),
    takesArguments: command.registeredArguments.length > 0,
    argumentChoices: command.registeredArguments[0]?.argChoices,
  };
}

function toOption(option: Option): CompletionNode['options'][number] {
  return {
    flag: option.long ?? option.short ?? option.flags,
    takesValue: option.required || option.optional,
    description: option.description,
    choices: option.argChoices,
  };
}
