/**
 * Commands that act on services: `list`, `status NAME`, `service add|start|stop|restart|remove`,
 * `logs NAME [-f]`, `reload`, `info`.
 */
import fs from "node:fs";
import process from "node:process";
import { parse } from "smol-toml";
                                                    
                                                                     
import { callDaemon, CliError } from "./client.js";
import { print } from "./daemon_commands.js";
import { bytes, color, duration, stateColor, table } from "./format.js";

                   
             
             
                 
                
               
 

/** `hero_proc list`: one row per service, like `pm2 list`. */
export async function listCommand(paths           , json         )                {
  const list = await callDaemon                 (paths, "service.list");
  if (json) return print(true, list, "");
  if (!list.length) {
    return console.log("No services. Add one with: hero_proc service add NAME -- CMD");
  }
  console.log(table(
    ["name", "state", "pid", "uptime", "restarts", "health", "cpu", "memory"],
    list.map((s) => [
      color.cyan(s.name),
      stateColor(s.state),
      s.pid ? String(s.pid) : "-",
      duration(s.uptime_ms),
      String(s.restarts),
      stateColor(s.health),
      s.pid ? `${s.cpu_percent}%` : "-",
      bytes(s.memory_bytes),
    ]),
  ));
}

/** `hero_proc status NAME`: details of each action and the last log lines. */
export async function statusCommand(paths           , name        , json         )                {
  const s = await callDaemon               (paths, "service.status", { name });
  const lines = await callDaemon           (paths, "service.logs", { name, limit: 15 });
  if (json) return print(true, { ...s, last_lines: lines }, "");
  console.log(
    `${color.bold(s.name)}  ${stateColor(s.state)}  health ${
      stateColor(s.health)
    }  (${s.source}, wanted ${s.desired})`,
  );
  if (s.description) console.log(color.dim(s.description));
  console.log(table(
    [
      "action",
      "kind",
      "state",
      "health",
      "pid",
      "uptime",
      "restarts",
      "cpu",
      "memory",
      "job",
      "reason",
    ],
    s.actions.map((a) => [
      a.name,
      a.kind,
      stateColor(a.state),
      stateColor(a.health),
      a.pid ? String(a.pid) : "-",
      duration(a.uptime_ms),
      String(a.restarts),
      a.pid ? `${a.cpu_percent}%` : "-",
      bytes(a.memory_bytes),
      a.job_id ? String(a.job_id) : "-",
      a.reason ?? "",
    ]),
  ));
  const procs = s.actions.flatMap((a) =>
    a.processes.map((p) => `${a.name}: ${p.pid} (${p.comm}, group ${p.pgid})`)
  );
  if (procs.length) console.log(`\nprocesses:\n  ${procs.join("\n  ")}`);
  if (lines.length) {
    console.log(`\nlast lines:`);
    for (const l of lines) console.log(formatLine(l));
  }
}

/** `hero_proc service add FILE.toml` or `hero_proc service add NAME [--oneshot] -- CMD ...`. */
export async function serviceAddCommand(
  paths           ,
  positionals          ,
  rest          ,
  opts                                                                                          ,
  json         ,
)                {
  let service                         ;
  const [target] = positionals;
  if (!target) {
    throw new CliError("Usage: hero_proc service add FILE.toml | NAME -- CMD [ARGS...]", 2);
  }
  if (target.endsWith(".toml")) {
    let text        ;
    try {
      text = fs.readFileSync(target, "utf8");
    } catch (err) {
      throw new CliError(`Cannot read ${target}: ${(err         ).message}`);
    }
    try {
      service = parse(text)                           ;
    } catch (err) {
      throw new CliError(`${target}: ${(err         ).message}`);
    }
    service.name ??= target.replace(/^.*\//, "").replace(/\.toml$/, "");
  } else {
    if (!rest.length) {
      throw new CliError(`Give the command after --: hero_proc service add ${target} -- CMD`, 2);
    }
    service = { name: target, exec: rest.length === 1 ? rest[0] : rest };
    if (opts.oneshot) service.kind = "oneshot";
    if (opts.restart) service.restart = { policy: opts.restart };
    if (opts.cwd) service.cwd = opts.cwd;
    if (opts.env?.length) {
      service.env = Object.fromEntries(opts.env.map((kv) => {
        const i = kv.indexOf("=");
        if (i < 1) throw new CliError(`Bad --env "${kv}": use K=V`, 2);
        return [kv.slice(0, i), kv.slice(i + 1)];
      }));
    }
  }
  if (opts.noStart) service.autostart = false;
  const r = await callDaemon                      (paths, "service.set", { service });
  print(json, r, `${r.created ? "Added" : "Updated"} service "${service.name}"`);
}

/** `hero_proc service start|stop|restart|remove NAME`. */
export async function serviceVerbCommand(
  paths           ,
  verb        ,
  name        ,
  json         ,
)                {
  if (verb === "remove") {
    await callDaemon(paths, "service.remove", { name });
    return print(json, { removed: name }, `Removed service "${name}"`);
  }
  const params                          = { name };
  if (verb !== "stop") (params.wait = true), (params.timeout_ms = 60_000);
  const s = await callDaemon               (paths, `service.${verb}`, params, 120_000);
  print(json, s, `${s.name}: ${stateColor(s.state)}${s.pid ? ` (pid ${s.pid})` : ""}`);
}

/** `hero_proc logs NAME [-f] [-n N]`; a number means a job id. */
export async function logsCommand(
  paths           ,
  name        ,
  opts                                      ,
  json         ,
)                {
  const isJob = /^\d+$/.test(name);
  const method = isJob ? "job.logs" : "service.logs";
  const base = isJob ? { id: Number(name) } : { name };
  let lines = await callDaemon           (paths, method, { ...base, limit: opts.lines ?? 50 });
  const show = (ls           ) => {
    for (const l of ls) console.log(json ? JSON.stringify(l) : formatLine(l));
  };
  show(lines);
  if (!opts.follow) return;
  let last = lines.at(-1)?.id ?? 0;
  let stop = false;
  process.once("SIGINT", () => (stop = true));
  while (!stop) {
    await new Promise((r) => setTimeout(r, 200));
    lines = await callDaemon           (paths, method, { ...base, after_id: last, limit: 1000 });
    show(lines);
    if (lines.length) last = lines.at(-1) .id;
  }
}

/** One log line for people. */
export function formatLine(l         )         {
  const time = new Date(l.ts).toISOString().slice(11, 23);
  const src = l.level === "error" ? color.red(l.source) : color.dim(l.source);
  return `${color.dim(time)} ${src} ${l.line}`;
}
