"""A Hero-protocol service written in Python with only the standard library: http.server over
a Unix socket, routing on the request line's path (self.path == "/rpc").

Usage: python3 plain_python_service.py SOCKET_ROOT NAME
"""
import json
import os
import signal
import socketserver
import sys
from http.server import BaseHTTPRequestHandler

ROOT, NAME = sys.argv[1], sys.argv[2]
DOC = json.load(open(os.path.join(os.path.dirname(__file__), "plain_openrpc.json")))


def answer(body):
    try:
        msg = json.loads(body)
    except ValueError:
        return {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}}
    p = msg.get("params") or {}
    method = msg.get("method")
    if method == "greet":
        result = "Hello, %s!" % p.get("name")
    elif method == "add":
        result = p["a"] + p["b"]
    elif method == "rpc.discover":
        result = DOC
    else:
        return {"jsonrpc": "2.0", "id": msg.get("id"),
                "error": {"code": -32601, "message": "Method not found"}}
    if "id" not in msg:
        return None
    return {"jsonrpc": "2.0", "id": msg["id"], "result": result}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def address_string(self):
        return "unix"

    def log_message(self, *args):
        pass

    def send_json(self, status, value):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path != "/rpc":
            return self.not_found()
        reply = answer(body)
        if reply is None:
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()
        else:
            self.send_json(200, reply)

    def do_GET(self):
        if self.path == "/openrpc.json":
            self.send_json(200, DOC)
        elif self.path == "/health":
            self.send_json(200, {"status": "ok", "service": NAME, "version": "1.0.0", "uptime_s": 1})
        elif self.path == "/.well-known/heroservice.json":
            self.send_json(200, {"protocol": "openrpc", "name": NAME, "title": NAME,
                                 "version": "1.0.0", "socket": "rpc"})
        else:
            self.not_found()

    def not_found(self):
        data = ("no route for %s %s\n" % (self.command, self.path)).encode()
        self.send_response(404)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    directory = os.path.join(ROOT, NAME)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    sock = os.path.join(directory, "rpc.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    server = Server(sock, Handler)
    os.chmod(sock, 0o600)
    signal.signal(signal.SIGTERM, lambda *_: (server.server_close(), os._exit(0)))
    print("ready", flush=True)
    server.serve_forever()


main()
