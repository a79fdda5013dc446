"""The real processes a browser test talks to: `video-service serve` on a free
port, a redis-server in a temp folder, and headless Chromium driven by
chromedriver. Each is stopped by the caller's cleanup, also when a test fails."""

import http.server
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout, message, interval=0.05):
    """Polls `condition` until it returns something truthy; fails with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # a page still loading, a process still starting
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"{message} (waited {timeout} s{'; last error: ' + repr(last_error) if last_error else ''})")


class HttpAnswer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def request(url, method="GET", body=None, headers=None, timeout=10):
    """One HTTP request; any status comes back as an answer (no exception for 4xx/5xx)."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    call = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if isinstance(body, (dict, list)):
        call.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(call, timeout=timeout) as answer:
            return HttpAnswer(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as answer:
        return HttpAnswer(answer.code, answer.headers, answer.read())


class RedisServer:
    def __init__(self, folder):
        self.port = free_port()
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self.cli("PING") == "PONG", 10, "redis-server did not answer PING")

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True,
                              check=True).stdout.strip()

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class WebhookReceiver:
    """An HTTP server on a free loopback port that records the webhooks posted
    to it: a path starting with /down is answered 503, any other 200."""

    def __init__(self):
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append((self.path, json.loads(body)))
                self.send_response(503 if self.path.startswith("/down") else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class VideoService:
    """`video-service serve` on a free port, its log in `log_path`."""

    def __init__(self, binary, output_dir, media_roots, log_path, environment=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {key: value for key, value in os.environ.items() if not key.startswith("REDIS_")}
        env.update(environment or {})
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--output-dir", str(output_dir),
             "--media-roots", ":".join(str(root) for root in media_roots)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)

        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"video-service exited with {self.process.returncode}; see {log_path}")
            return request(self.base + "/health").status == 200
        wait_until(healthy, 30, "video-service did not answer /health")

    def url(self, path):
        return self.base + path

    def get_json(self, path):
        answer = request(self.url(path))
        assert answer.status == 200, f"GET {path}: {answer.status} {answer.body!r}"
        return answer.json()

    def submit(self, job):
        answer = request(self.url("/jobs"), "POST", job)
        assert answer.status == 202, f"POST /jobs: {answer.status} {answer.body!r}"
        return answer.json()["job_id"]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def start_browser(profile_dir):
    """Headless Chromium (Debian's, which plays H.264) through chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1500", "--autoplay-policy=no-user-gesture-required",
                     f"--user-data-dir={profile_dir}"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
