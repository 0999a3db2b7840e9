#!/usr/bin/env python3
"""Workers benchmark: one plan queued on a throw-away PostgreSQL (`scripts/postgres`), run by 1, 2 and 4
`sheen worker` processes (release build), each with --concurrency 8. Prints steps per second from the first claim to
the run's end (database time), per worker count, and the speed-up over one worker, for two step costs: no latency
(the queue and journal alone) and 50 ms per call (a provider's round trip, `sheen.data --step-latency-ms`).

The same DAG shape as the apply benchmark (Benchmarks/gen.py, layered). Usage:
  Benchmarks/workers/bench.py [--nodes 2000] [--skip-build]"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def psql(url_parts, database, sql):
    host, port = url_parts
    return subprocess.run(["psql", "-h", host, "-p", port, "-U", "sheen", "-d", database, "-Atc", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "sheen"], cwd=ROOT, check=True)
    sheen = os.path.join(ROOT, ".build", "release", "sheen")
    work = tempfile.mkdtemp(prefix="sheen-workers-")
    # Its own directory under /tmp: as root the server runs as `postgres`, which cannot enter a private parent.
    pg = tempfile.mkdtemp(prefix="sheen-workers-pg-")
    url = subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "start", pg], capture_output=True, text=True,
                         check=True).stdout.strip()
    host_port = url.split("@")[1].split("/")[0]
    parts = (host_port.split(":")[0], host_port.split(":")[1])
    try:
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "gen.py"), "--shape", "layered", "-n",
                        str(args.nodes), "--layers", "10", "-k", "3", "-o", os.path.join(work, "dag")],
                       check=True, stdout=subprocess.DEVNULL)
        dag = os.path.join(work, "dag", "dag.json")
        results = {}
        for latency in (0, 50):
            for workers in (1, 2, 4):
                database = f"bench_{latency}_{workers}"
                psql(parts, "sheen", f"CREATE DATABASE {database}")
                store = f"postgres://sheen@{host_port}/{database}"
                env = dict(os.environ, SHEEN_STORE=store, SHEEN_CATALOG=ROOT)
                subprocess.run([sheen, "apply", "--dag", dag, "--enqueue", "--auto-approve"], cwd=work, env=env,
                               check=True, stdout=subprocess.DEVNULL)
                processes = [subprocess.Popen(
                    [sheen, "worker", "--concurrency", "8", "--idle-exit", "2", "--step-latency-ms", str(latency)],
                    cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    for _ in range(workers)]
                for process in processes:
                    process.wait(timeout=900)
                status = psql(parts, database, "SELECT status FROM runs")
                steps = int(psql(parts, database, "SELECT count(*) FROM run_steps WHERE status = 'succeeded'"))
                seconds = float(psql(parts, database,
                                     "SELECT max(r.finished_at) - min(c.claimed_at) FROM runs r, claim_log c"))
                if status != "succeeded" or steps != args.nodes:
                    sys.exit(f"{workers} workers, {latency} ms: run {status}, {steps} of {args.nodes} steps")
                results[(latency, workers)] = steps / seconds
                print(f"  {latency:3d} ms/step, {workers} worker(s): {steps} steps in {seconds:.2f} s", flush=True)
        print()
        print(f"{'':24} {'1 worker':>10} {'2 workers':>10} {'4 workers':>10}   (steps/s, concurrency 8 each)")
        for latency in (0, 50):
            row = [results[(latency, n)] for n in (1, 2, 4)]
            print(f"{f'{latency} ms per call':24} {row[0]:10.0f} {row[1]:10.0f} {row[2]:10.0f}   "
                  f"speed-up 2: {row[1] / row[0]:.2f}x, 4: {row[2] / row[0]:.2f}x")
        print(f"{args.nodes} steps, layered DAG (10 layers, 3 deps each), one PostgreSQL, "
              f"{os.cpu_count()} cores shared by workers and database")
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "postgres"), "stop", pg], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
