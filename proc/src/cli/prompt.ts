/** A yes/no question on the terminal (only asked when stdin is a TTY). */
import process from "node:process";
import { createInterface } from "node:readline/promises";

/** Asks `question`; resolves true for y/yes. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
