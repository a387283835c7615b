/**
 * A line a service has printed is stored even when the service is stopped or removed the
 * moment after it printed it, with hero_shim (output files) and without it (pipes), through a
 * real daemon. The service records that it printed (a marker written after the line), so a stop
 * that lands before the program ran at all (nothing printed, nothing to lose) is told apart.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

const ROUNDS = 6;

/** Polls `file` every millisecond until it holds the line `word` (the service printed it). */
async function printed(file: string, word: string): Promise<void> {
  await waitFor(`the service to print ${word}`, async () => {
    for (let i = 0; i < 50; i++) {
      try {
        if (fs.readFileSync(file, "utf8").split("\n").includes(word)) return true;
      } catch { /* not written yet */ }
      await new Promise((r) => setTimeout(r, 1));
    }
    return false;
  }, 10_000);
}

for (const [mode, env] of [["hero_shim", {}], ["HERO_PROC_SHIM=off", { HERO_PROC_SHIM: "off" }]]) {
  test(`${mode}: a line printed just before a stop or remove is in the log store`, async () => {
    const { dir, cleanup } = tempDir();
    const d = await startDaemonProcess(dir, env as Record<string, string>);
    const mark = path.join(dir, "printed");
    try {
      for (let i = 0; i < ROUNDS; i++) {
        const word = `lastwords${i}q`;
        await d.client.call("service.set", {
          service: {
            name: "brief",
            exec: `echo ${word}-instance; echo ${word} >> ${mark}; exec sleep 300`,
          },
        });
        await d.client.call("service.start", { name: "brief", wait: true, timeout_ms: 10_000 });
        await printed(mark, word);
        await d.client.call(i % 2 ? "service.remove" : "service.stop", { name: "brief" });
        const stored = await waitFor(`${word} in the store`, async () => {
          const r = await d.client.call<{ lines: { message: string }[] }>("logs.query", {
            text: word,
            limit: 5,
          });
          return r.lines.filter((l) => l.message === `${word}-instance`).length;
        }, 10_000);
        assert.equal(stored, 1, `${word} stored once`);
      }
    } finally {
      await d.client.call("system.shutdown").catch(() => {});
      await d.exited;
      d.client.close();
      cleanup();
    }
  });
}
