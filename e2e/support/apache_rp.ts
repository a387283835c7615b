/**
 * Test support: Debian's Apache with `mod_auth_openidc` (an OpenID-certified relying party) as a
 * web server whose `/protected/` pages need a sign-in through an OpenID provider. The page shows
 * what the module learnt (user and claims) through server-side includes. Apache runs in the
 * foreground with a configuration of its own in a temp dir, on a free loopback port, and stops
 * with the test. `.ci/run` installs `apache2` and `libapache2-mod-auth-openidc`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";

const MODULES = "/usr/lib/apache2/modules";
const APACHE = "/usr/sbin/apache2";

/** A running Apache relying party. */
export interface ApacheRp {
  /** `http://localhost:<port>`. */
  origin: string;
  /** Apache's error log (for failure messages). */
  log(): Promise<string>;
  close(): Promise<void>;
}

/** Where Apache will be, known before it starts (the provider registers its redirect URI). */
export interface ApacheRpPlan {
  origin: string;
  /** The redirect URI to register with the provider. */
  redirectUri: string;
  /** Starts Apache as the registered client of the provider at `issuer`. */
  start(opts: { issuer: string; clientId: string; clientSecret: string }): Promise<ApacheRp>;
}

/** Picks a free port and a directory (under `dir`) for Apache. */
export async function planApacheRp(dir: string): Promise<ApacheRpPlan> {
  await fs.access(`${MODULES}/mod_auth_openidc.so`).catch(() => {
    throw new Error(
      "Debian's apache2 and libapache2-mod-auth-openidc are needed (.ci/run installs them)",
    );
  });
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const redirectUri = `${origin}/protected/redirect_uri`;
  return {
    origin,
    redirectUri,
    start: (o) => startApache({ ...o, dir, port, origin, redirectUri }),
  };
}

async function startApache(
  opts: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    dir: string;
    port: number;
    origin: string;
    redirectUri: string;
  },
): Promise<ApacheRp> {
  const { port, origin, redirectUri } = opts;
  const root = path.join(opts.dir, "apache");
  const www = path.join(root, "www");
  await fs.mkdir(path.join(www, "protected"), { recursive: true });
  // Apache serves as www-data: the pages must be readable by it.
  await fs.chmod(opts.dir, 0o755);
  await fs.chmod(root, 0o755);
  await fs.writeFile(
    path.join(www, "protected", "index.shtml"),
    `<!doctype html><html lang="en"><head><title>Protected</title></head><body><main>
<h1>Signed in as <span id="user"><!--#echo var="REMOTE_USER" --></span></h1>
<p>Groups: <span id="groups"><!--#echo var="OIDC_CLAIM_groups" --></span></p>
<p>Issuer: <span id="iss"><!--#echo var="OIDC_CLAIM_iss" --></span></p>
</main></body></html>\n`,
  );
  const modules = [
    "mpm_event",
    "authn_core",
    "authz_core",
    "authz_user",
    "mime",
    "include",
    "dir",
    "auth_openidc",
  ];
  const conf = `
ServerRoot "${root}"
ServerName localhost
Listen 127.0.0.1:${port}
PidFile "${root}/httpd.pid"
DefaultRuntimeDir "${root}"
ErrorLog "${root}/error.log"
LogLevel warn auth_openidc:info
User www-data
Group www-data
${modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`).join("\n")}
TypesConfig /etc/mime.types
DocumentRoot "${www}"
DirectoryIndex index.shtml
<Directory "${www}">
  Options +Includes
  AddOutputFilter INCLUDES .shtml
  AddType text/html .shtml
  Require all granted
</Directory>
OIDCProviderMetadataURL ${opts.issuer}/.well-known/openid-configuration
OIDCClientID ${opts.clientId}
OIDCClientSecret ${opts.clientSecret}
OIDCRedirectURI ${redirectUri}
OIDCCryptoPassphrase ${randomBytes(24).toString("hex")}
OIDCScope "openid profile email groups"
OIDCPKCEMethod S256
OIDCRemoteUserClaim preferred_username
<Location /protected>
  AuthType openid-connect
  Require valid-user
</Location>
`;
  await fs.writeFile(path.join(root, "httpd.conf"), conf);
  const child: ChildProcess = spawn(
    APACHE,
    ["-f", path.join(root, "httpd.conf"), "-D", "FOREGROUND"],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  const log = () => fs.readFile(path.join(root, "error.log"), "utf8").catch(() => "");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Apache did not start:\n${await log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin,
    log,
    close: async () => {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}
