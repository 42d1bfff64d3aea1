import { processIo } from './io.ts';
import { main } from './main.ts';

// A closed pipe (`gitops-ml ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), processIo());
