#!/usr/bin/env python3
"""Ingest benchmark: `sheen serve` (release build) driven over loopback by wrk (-t2 -c64), pre-signed Stripe deliveries
cycled by a Lua script, each one a new event. Prints verified-and-durable deliveries per second and p50/p99 time to
acknowledge, side by side with the same server committing one delivery per transaction (`--commit-each`), and the same
server on a throw-away PostgreSQL (`scripts/postgres`, `--store postgres://…`), as a fleet of receivers would share.

wrk's non-2xx responses are reported, and the rows stored are counted after each run.
Usage: Benchmarks/ingest/bench.py [--seconds 10] [--deliveries 120000] [--skip-build]
Needs wrk (Debian: apt-get install wrk)."""
import argparse
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SECRET = "whsec_ingest_benchmark_secret"

LUA = r"""
local lines = {}
for line in io.lines(os.getenv("DELIVERIES")) do lines[#lines + 1] = line end
local counter = 0
local id = 0
setup = function(thread) id = id + 1; thread:set("offset", id) end
init = function(args) counter = tonumber(offset) or 1 end
request = function()
  local line = lines[(counter % #lines) + 1]
  counter = counter + 2
  local tab = string.find(line, "\t")
  return wrk.format("POST", "/v1/webhooks/stripe/default",
    {["Stripe-Signature"] = string.sub(line, 1, tab - 1), ["Content-Type"] = "application/json"},
    string.sub(line, tab + 1))
end
"""


def sign(count, path):
    now = int(time.time())
    with open(path, "w") as out:
        for index in range(count):
            body = json.dumps({"id": f"evt_bench_{index}", "type": "invoice.paid", "created": now, "livemode": False},
                              separators=(",", ":"))
            mac = hmac.new(SECRET.encode(), f"{now}.{body}".encode(), hashlib.sha256).hexdigest()
            out.write(f"t={now},v1={mac}\t{body}\n")


def run_server(sheen, directory, extra, store_env):
    env = dict(os.environ, SHEEN_KEYRING=os.path.join(directory, "keys.json"), SHEEN_CATALOG=ROOT, **store_env)
    server = subprocess.Popen([sheen, "serve", "--port", "0"] + extra, cwd=directory, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = ""
    while "/v1/webhooks/" not in line:
        line = server.stdout.readline()
        if not line:
            sys.exit("sheen serve did not start")
    port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
    return server, port


def wrk(port, seconds, deliveries):
    lua = os.path.join(os.path.dirname(deliveries), "bench.lua")
    with open(lua, "w") as f:
        f.write(LUA)
    done = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", "-s", lua, f"http://127.0.0.1:{port}"],
                          env=dict(os.environ, DELIVERIES=deliveries), capture_output=True, text=True, check=True)
    text = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def percentile(name):
        match = re.search(rf"\s{name}%\s+([\d.]+)(us|ms|s)", text)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = int(re.search(r"Non-2xx or 3xx responses: (\d+)", text).group(1)) if "Non-2xx" in text else 0
    return rate, percentile("50"), percentile("99"), non2xx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--deliveries", type=int, default=120_000)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "sheen"], cwd=ROOT, check=True)
    sheen = os.path.join(ROOT, ".build", "release", "sheen")
    results = {}
    # Its own directory under /tmp: as root the server runs as `postgres`, which cannot enter a private parent.
    pg = tempfile.mkdtemp(prefix="sheen-ingest-pg-")
    url = subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "start", pg],
                         capture_output=True, text=True, check=True).stdout.strip()
    configurations = [("group commit", [], {}), ("commit per delivery", ["--commit-each"], {}),
                      ("PostgreSQL, group commit", [], {"SHEEN_STORE": url})]
    try:
        for label, extra, store_env in configurations:
            results[label] = measure(sheen, args, extra, store_env, url)
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "stop", pg], check=False)
        shutil.rmtree(pg, ignore_errors=True)
    print(f"{'':26} {'deliveries/s':>13} {'p50 ack':>9} {'p99 ack':>9} {'non-2xx':>8} {'rows stored':>12}")
    for label, (rate, p50, p99, non2xx, stored) in results.items():
        print(f"{label:26} {rate:13.0f} {p50:7.2f}ms {p99:7.2f}ms {non2xx:8d} {stored:12d}")
    group, each = results["group commit"], results["commit per delivery"]
    print(f"group commit / commit per delivery: {group[0] / each[0]:.1f}x throughput, p99 {each[2] / group[2]:.1f}x lower")
    shared = results["PostgreSQL, group commit"]
    print(f"PostgreSQL / SQLite (both group commit): {shared[0] / group[0]:.2f}x throughput, "
          f"p99 {shared[2]:.2f} ms vs {group[2]:.2f} ms")
    print("target: >= 5,000 deliveries/s with p99 < 25 ms (2 cores, wrk on the same machine)")


def measure(sheen, args, extra, store_env, url):
    """One configuration: a fresh project (and, for PostgreSQL, a fresh database), wrk, then the rows stored."""
    directory = tempfile.mkdtemp(prefix="sheen-ingest-")
    if store_env:
        database = "ingest_" + os.path.basename(directory).replace("-", "_").lower()
        host_port = url.split("@")[1].split("/")[0]
        subprocess.run(["psql", "-h", host_port.split(":")[0], "-p", host_port.split(":")[1], "-U", "sheen",
                        "-d", "sheen", "-qc", f"CREATE DATABASE {database}"], check=True)
        store_env = {"SHEEN_STORE": f"postgres://sheen@{host_port}/{database}"}
    env = dict(os.environ, SHEEN_KEYRING=os.path.join(directory, "keys.json"), SHEEN_CATALOG=ROOT,
               KEY="sk_test_bench", HOOK=SECRET, **store_env)
    subprocess.run([sheen, "init", "global-saas", "--market", "AE"], cwd=directory, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sheen, "connect", "stripe", "--env", "dev", "--field", "secret_key=@env:KEY",
                    "--field", "publishable_key=pk_test_1", "--field", "webhook_secret=@env:HOOK"],
                   cwd=directory, env=env, check=True, stdout=subprocess.DEVNULL)
    deliveries = os.path.join(directory, "deliveries.tsv")
    sign(args.deliveries, deliveries)
    server, port = run_server(sheen, directory, extra, store_env)
    try:
        rate, p50, p99, non2xx = wrk(port, args.seconds, deliveries)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            sys.exit("sheen serve did not stop on SIGTERM")
    if store_env:
        store = store_env["SHEEN_STORE"]
        host_port, database = store.split("@")[1].split("/")
        stored = int(subprocess.run(
            ["psql", "-h", host_port.split(":")[0], "-p", host_port.split(":")[1], "-U", "sheen", "-d", database,
             "-Atc", "SELECT count(*) FROM webhook_events"], capture_output=True, text=True, check=True).stdout)
    else:
        stored = sqlite3.connect(os.path.join(directory, ".sheen", "state.sqlite")).execute(
            "SELECT COUNT(*) FROM webhook_events").fetchone()[0]
    shutil.rmtree(directory)
    return (rate, p50, p99, non2xx, stored)


if __name__ == "__main__":
    main()
