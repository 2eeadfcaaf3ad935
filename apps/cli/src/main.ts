import 'reflect-metadata';
import { runDemo } from './commands/demo';
import { IMPORT_HELP, runImport } from './commands/import';
import { runMigrate } from './commands/migrate';
import { runReplay } from './commands/replay';

const COMMANDS: Record<string, { run: (args: string[]) => Promise<void>; help: string }> = {
  migrate: {
    run: runMigrate,
    help: 'create the database if missing, apply migrations, load the gazetteer',
  },
  replay: {
    run: runReplay,
    help: 'rebuild the read models from the claim log: [--province AF08] [--keep-old]',
  },
  import: { run: runImport, help: IMPORT_HELP },
  demo: {
    run: runDemo,
    help: 'submit the Panjshir scenario to a running API and print what it says',
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(
      `usage: sitrep <command>\n${Object.entries(COMMANDS)
        .map(([n, c]) => `  ${n.padEnd(10)} ${c.help}`)
        .join('\n')}`,
    );
    process.exit(name ? 2 : 0);
  }
  await command.run(args);
}

main().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
