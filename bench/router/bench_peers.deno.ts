/**
 * The peers of the proxy bench, configured as a demanding user would: nginx (`worker_processes
 * auto`, a keep-alive upstream pool on the Unix socket, WebSocket upgrades passed, enough
 * `worker_connections` for c1000 through a proxy, i.e. two connections per client) and Caddy
 * (`reverse_proxy unix/…`, which pools and upgrades by itself). Both strip `/bench_svc/admin`.
 */
import { type BenchProcess, startProcess } from "./bench_process.deno.ts";

/** Starts nginx proxying `prefix/` to `socket` on 127.0.0.1:`port`. */
export async function startNginx(
  dir: string,
  socket: string,
  port: number,
  prefix: string,
): Promise<BenchProcess> {
  await Deno.mkdir(`${dir}/logs`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/nginx.conf`,
    `
${Deno.uid() === 0 ? "user root;" : ""}
worker_processes auto;
worker_rlimit_nofile 20000;
error_log ${dir}/logs/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream svc { server unix:${socket}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location ${prefix}/ {
      proxy_pass http://svc/;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Prefix ${prefix};
    }
  }
}
`,
  );
  return startProcess("nginx", ["-p", dir, "-c", `${dir}/nginx.conf`, "-g", "daemon off;"]);
}

/** Starts Caddy proxying `prefix/*` to `socket` on 127.0.0.1:`port`. */
export async function startCaddy(
  dir: string,
  socket: string,
  port: number,
  prefix: string,
): Promise<BenchProcess> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/Caddyfile`,
    `{
  admin off
  auto_https off
}
http://127.0.0.1:${port} {
  handle_path ${prefix}/* {
    reverse_proxy unix/${socket}
  }
}
`,
  );
  return startProcess("caddy", ["run", "--config", `${dir}/Caddyfile`, "--adapter", "caddyfile"], {
    HOME: dir,
    XDG_DATA_HOME: `${dir}/data`,
    XDG_CONFIG_HOME: `${dir}/config`,
  });
}
