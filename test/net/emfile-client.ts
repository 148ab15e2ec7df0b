// Child process of errors.test.ts: run with a low file descriptor limit, it opens connections to the
// address in argv[2] until one fails (at most 200), then prints that error as JSON and exits.
import { newVu } from './helpers.ts';

const { net } = newVu();
const kept = [];
let outcome: object = { code: 'none' };
try {
  for (let i = 0; i < 200; i++) kept.push(await net.connect(process.argv[2]!));
} catch (error) {
  const { code, name, message } = error as Error & { code: string };
  outcome = { code, name, message };
}
process.stdout.write(`${JSON.stringify(outcome)}\n`);
process.exit(0);
