import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';

/** Append `name=value` outputs to $GITHUB_OUTPUT with a random heredoc delimiter per value. */
export async function writeOutputs(file: string, outputs: Record<string, string>): Promise<void> {
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = `ghadelimiter_${randomUUID()}`;
    if (value.includes(delimiter) || name.includes(delimiter))
      throw new Error('output collides with its delimiter');
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  await appendFile(file, text, 'utf8');
}

/** Append Markdown to the job summary ($GITHUB_STEP_SUMMARY). */
export async function appendSummary(file: string, markdown: string): Promise<void> {
  await appendFile(file, markdown.endsWith('\n') ? markdown : markdown + '\n', 'utf8');
}
