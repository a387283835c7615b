/**
 * Starting one child in its own process group (a new session, so the group id is its pid),
 * with stdout and stderr read continuously into lines — or under a PTY with node-pty. The
 * reader never pauses the pipes, so a child can never block on its output.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { LineSplitter } from "./line_splitter.js";

/** What to run. */
                            
                 
               
                              
                
 

/** How a child ended: one shape for every process result. */
                            
                          
                        
 

/** A running child. */
                              
              
                                              
               
                                                                                
                             
 

/** Receives each captured line. */
                                                                              

/** Spawns `spec`; rejects with a readable error if it cannot be started. */
export function spawnChild(spec           , onLine             )                       {
  return spec.tty ? spawnPty(spec, onLine) : spawnPiped(spec, onLine);
}

function spawnPiped(spec           , onLine             )                       {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.argv[0], spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = new LineSplitter((l) => onLine("stdout", l));
    const err = new LineSplitter((l) => onLine("stderr", l));
    child.stdout.on("data", (c            ) => out.push(c));
    child.stderr.on("data", (c            ) => err.push(c));
    child.once("error", (e                       ) => {
      if (child.pid === undefined) reject(spawnError(spec, e));
    });
    // libuv reports exec failures synchronously: with a pid, the child runs (no need to wait
    // for the "spawn" event, which only costs a turn of the event loop on every restart).
    if (child.pid === undefined) return;
    const exited = new Promise           ((done) => {
      // `close` fires after `exit` once both pipes are drained — but a grandchild holding the
      // pipes open would delay it forever, so we only wait for the pipes briefly.
      child.once("exit", (code, signal) => {
        const timer = setTimeout(finish, 200);
        child.once("close", finish);
        function finish() {
          clearTimeout(timer);
          out.end();
          err.end();
          done({ exitCode: code, signal });
        }
      });
    });
    resolve({ pid: child.pid, pgid: child.pid, exited });
  });
}

async function spawnPty(spec           , onLine             )                       {
  const pty = await import("node-pty");
  let term;
  try {
    term = pty.spawn(spec.argv[0], spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      cols: 120,
      rows: 40,
      name: "xterm-256color",
    });
  } catch (e) {
    throw spawnError(spec, e         );
  }
  const splitter = new LineSplitter((l) => onLine("stdout", l));
  const encoder = new TextEncoder();
  term.onData((d) => splitter.push(encoder.encode(d)));
  const exited = new Promise           ((done) => {
    term.onExit(({ exitCode, signal }) => {
      // Let the last output arrive before closing the line.
      setTimeout(() => {
        splitter.end();
        done({ exitCode: signal ? null : exitCode, signal: signal ? signalName(signal) : null });
      }, 20);
    });
  });
  return { pid: term.pid, pgid: term.pid, exited };
}

function signalName(n        )         {
  const found = Object.entries(os.constants.signals).find(([, v]) => v === n);
  return found ? found[0] : `SIG${n}`;
}

function spawnError(spec           , e                               )        {
  const code = (e                         ).code;
  const why = code === "ENOENT"
    ? spec.cwd && (e                         ).path !== spec.argv[0]
      ? `command or directory not found (${spec.argv[0]}, cwd ${spec.cwd})`
      : `command not found: ${spec.argv[0]}`
    : code === "EACCES"
    ? `permission denied: ${spec.argv[0]}`
    : e.message;
  return new Error(why);
}
