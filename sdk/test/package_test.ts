/**
 * The SDK from outside this repository: the npm build (`npm pack`, installed into a scratch Node
 * project, used from plain JavaScript and type-checked by tsc through its `.d.ts`), and Deno
 * importing it by path (type-checked) from a project with no `nodeModulesDir` and no entry for
 * the SDK's own dependencies.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const sdk = fileURLToPath(new URL("..", import.meta.url));
const repo = path.resolve(sdk, "..");
const bin = (name: string) => path.join(repo, "node_modules", ".bin", name);

/** A service and a client call, as a user's first program would make them. */
const PROGRAM = (from: string) => `
import { defineApi, defineMethod, HeroServer, RpcClient } from "${from}";
const api = defineApi({
  info: { title: "Greeter", version: "1.0.0" },
  methods: [
    defineMethod({
      name: "greet",
      params: [{ name: "name", schema: { type: "string" }, required: true }],
      result: { name: "greeting", schema: { type: "string" } },
      handler: ({ name }) => "Hello, " + name + "!",
    }),
  ],
});
const server = new HeroServer({ name: "greeter", api, socketRoot: process.env.ROOT });
await server.start();
const client = new RpcClient(server.rpcSocketPath);
console.log(await client.call("greet", { name: "Ada" }));
const bad = await client.call("greet", { name: 7 }).catch((e) => e.message);
console.log(bad);
client.close();
await server.close();
`;

describe("the SDK from another project", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-sdk-pkg-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("npm pack, installed into a scratch Node project", () => {
    const project = path.join(dir, "node-project");
    before(() => {
      const built = execFileSync(process.execPath, [path.join(sdk, "scripts/build_npm.mjs")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      const tgz = execFileSync("npm", ["pack", built, "--pack-destination", dir, "--silent"], {
        encoding: "utf8",
        cwd: dir,
      }).trim().split("\n").at(-1)!;
      fs.mkdirSync(project);
      fs.writeFileSync(
        path.join(project, "package.json"),
        JSON.stringify({ name: "scratch", private: true, type: "module" }),
      );
      execFileSync("npm", [
        "install",
        path.join(dir, tgz),
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--silent",
      ], { cwd: project, stdio: "inherit" });
    });

    it("ships JavaScript and declarations, no TypeScript sources", () => {
      const installed = path.join(project, "node_modules", "@hero", "sdk");
      assert.ok(fs.existsSync(path.join(installed, "mod.js")));
      assert.ok(fs.existsSync(path.join(installed, "mod.d.ts")));
      const files = fs.readdirSync(installed, { recursive: true }) as string[];
      assert.deepEqual(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), []);
    });

    it("runs a service and a call from plain JavaScript", () => {
      fs.writeFileSync(path.join(project, "main.mjs"), PROGRAM("@hero/sdk"));
      const root = path.join(dir, "sock-node");
      const r = spawnSync(process.execPath, ["main.mjs"], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, ROOT: root },
      });
      assert.equal(r.status, 0, r.stderr);
      const [greeting, error] = r.stdout.trim().split("\n");
      assert.equal(greeting, "Hello, Ada!");
      assert.match(error, /name/);
    });

    it("type-checks against the declarations (tsc, nodenext)", () => {
      fs.writeFileSync(
        path.join(project, "check.ts"),
        `import { RpcClient, type RpcClientOptions } from "@hero/sdk";\n` +
          `const o: RpcClientOptions = { timeoutMs: 5 };\n` +
          `const n: number = await new RpcClient("/x", o).call<number>("add", [1, 2]);\n` +
          `// @ts-expect-error: call takes a method name\n` +
          `new RpcClient("/x").call(42);\nexport { n };\n`,
      );
      const r = spawnSync(process.execPath, [
        path.join(repo, "node_modules", "typescript", "bin", "tsc"),
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--target",
        "es2023",
        "--types",
        "node",
        "--typeRoots",
        path.join(repo, "node_modules", "@types"),
        "check.ts",
      ], { cwd: project, encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  });

  describe("Deno, from a project without nodeModulesDir", () => {
    const project = path.join(dir, "deno-project");
    before(() => fs.mkdirSync(project));

    it("runs a service and a call, importing mod.ts by path", () => {
      fs.writeFileSync(path.join(project, "deno.json"), JSON.stringify({ imports: {} }));
      fs.writeFileSync(
        path.join(project, "main.ts"),
        `import process from "node:process";\n${PROGRAM(path.join(sdk, "mod.ts"))}`,
      );
      const r = spawnSync(bin("deno"), ["run", "--allow-all", "--check", "main.ts"], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, ROOT: path.join(dir, "sock-deno"), NO_COLOR: "1" },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim().split("\n")[0], "Hello, Ada!");
    });
  });
});
