const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds; bounded, and fails with `what` so a stuck state is named. */
export async function waitUntil(what: string, condition: () => Promise<boolean>, maxAttempts = 600, intervalMs = 100): Promise<void> {
  for (let i = 0; i < maxAttempts; i++) {
    if (await condition()) return;
    await sleep(intervalMs);
  }
  throw new Error(`gave up waiting for: ${what}`);
}
