// Runs `frameload serve` from source for the tests, without the bundled CLI: node --import tsx test/server/serve-entry.ts [options]
import { serveCommand } from '../../src/cli/serve.ts';

process.exitCode = await serveCommand(process.argv.slice(2));
