/** One line on stdout with the wall-clock time, so faults and their effects can be lined up with the services' logs. */
export function note(message: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
