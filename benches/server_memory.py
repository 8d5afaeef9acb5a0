#!/usr/bin/env python3
"""Server memory with many live sockets (BENCHMARKS.md, issue 21): the RSS of a real
`livewindow server` with 1,000 idle sockets (pages that read what they are sent), and with
100 sockets that never read on one chat holding a 10 MB picture. Loopback only, bounded.

    benches/server_memory.py BINARY [--sqlite FILE | --postgres URL] [-- extra server flags]

The same script measures an older binary (run it on each and compare); flags the older one
does not know are passed only after `--`.
"""
import json, os, random, socket, struct, subprocess, sys, tempfile, time, urllib.request, zlib


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def post(base, path, body, headers=None, raw=False):
    data = body if raw else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method="POST")
    req.add_header("Content-Type", "application/octet-stream" if raw else "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.headers, json.loads(r.read() or b"null")


def start_chat(base, i):
    status, headers, body = post(base, "/api/chats",
                                 {"name": f"Bench {i}", "email": f"b{i}@example.com", "message": "hello"})
    cookie = headers["Set-Cookie"].split(";")[0]
    return body["chat"]["chat_id"], cookie


def noise_png(mib):
    side = int((mib * 1024 * 1024 / 3) ** 0.5)
    rnd = random.Random(7)
    rows = b"".join(b"\x00" + rnd.randbytes(side * 3) for _ in range(side))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")


def open_socket(port, chat, cookie, rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    s.sendall((f"GET /api/chats/{chat}/live?after=0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
               f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nCookie: {cookie}\r\n\r\n").encode())
    return s


def drain(sockets, seconds):
    """Reads what the server sent, as a page would, for a while."""
    for s in sockets:
        s.setblocking(False)
    end = time.time() + seconds
    while time.time() < end:
        for s in sockets:
            try:
                while s.recv(65536):
                    pass
            except (BlockingIOError, ConnectionError):
                pass
        time.sleep(0.05)


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    binary = args[0]
    if "--postgres" in args:
        url = args[args.index("--postgres") + 1]
    else:
        url = "sqlite://" + os.path.join(tempfile.mkdtemp(), "bench.db")
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, LIVEWINDOW_DATABASE_URL=url, LIVEWINDOW_LOG="warn")
    subprocess.run([binary, "seed", "--demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([binary, "server", "--listen", f"127.0.0.1:{port}",
                               "--chats-per-hour", "100000", "--messages-per-minute", "1000", *extra],
                              env=env, stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/readyz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        time.sleep(1)
        idle = rss_mib(server.pid)
        print(f"idle server: {idle:.1f} MiB")

        chats = [start_chat(base, i) for i in range(125)]
        sockets = [open_socket(port, *chats[i % len(chats)]) for i in range(1000)]
        drain(sockets, 5)
        with_idle = rss_mib(server.pid)
        print(f"1,000 idle sockets: {with_idle:.1f} MiB ({(with_idle - idle) * 1024 / 1000:.0f} KiB each)")
        for s in sockets:
            s.close()
        time.sleep(3)

        chat, cookie = start_chat(base, 9999)
        status, _, _ = post(base, f"/api/chats/{chat}/images", noise_png(9.5),
                            {"Cookie": cookie, "X-File-Name": "noise.png"}, raw=True)
        for i in range(20):
            post(base, f"/api/chats/{chat}/messages", {"text": f"line {i}"}, {"Cookie": cookie})
        time.sleep(1)
        before = rss_mib(server.pid)
        silent = [open_socket(port, chat, cookie, rcvbuf=4096) for _ in range(100)]
        time.sleep(8)
        after = rss_mib(server.pid)
        print(f"picture upload: {status}; 100 silent sockets on the picture chat: "
              f"{before:.1f} → {after:.1f} MiB (+{after - before:.1f})")
        for s in silent:
            s.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
