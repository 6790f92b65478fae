import { describeFailure } from './failure.js';
import { runCli } from './program.js';

// A closed pipe (e.g. `lambda-iot tail … | head`) ends the command quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // runCli itself failed (loading a command's module): the same report, always with stacks.
    process.stderr.write(describeFailure(error, true).text);
    process.exitCode = 1;
  },
);
