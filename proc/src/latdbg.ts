import { openTestSupervisor, waitFor } from "./test_support.ts";
import fs from "node:fs";
const { sup, dir, close } = await openTestSupervisor();
const stamp = `${dir}/stamp`;
await sup.setService({ name: "victim", exec: ["/bin/sh", "-c", `echo $(date +%s%N) >> ${stamp}; exec sleep 1000`], restart: { policy: "always", delay_ms: 0, max_restarts: 0 } });
for (let i = 0; i < 50; i++) await sup.setService({ name: `filler_${i}`, exec: ["sleep", "1000"] });
const [r] = sup.runners("victim");
const lat: number[] = [];
for (let i = 0; i < 15; i++) {
  await waitFor("running", () => r.state === "running" && r.job?.child && fs.existsSync(stamp));
  await new Promise((res) => setTimeout(res, 200));
  const before = fs.readFileSync(stamp, "utf8").trim().split("\n").length;
  const t = BigInt(Date.now()) * 1000000n;
  process.kill(r.job!.child!.pid, "SIGKILL");
  await waitFor("restart", () => fs.readFileSync(stamp, "utf8").trim().split("\n").length > before);
  lat.push(Number(BigInt(fs.readFileSync(stamp, "utf8").trim().split("\n").at(-1)!) - t) / 1e6);
}
lat.sort((a, b) => a - b);
console.log("median", lat[7], lat);
await close();
