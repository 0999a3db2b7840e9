#!/usr/bin/env python3
"""Time to all-green: `sheen up RECIPE --sandbox` from a fresh directory, with a warm (already built) release binary.

Each run starts from nothing (new state, new simulator state, new sandbox keys) and must end with every checklist
item green (checked from --json); the rerun in the same directory must change nothing (no step, no provider call).
As a baseline run side by side, the same binary's dry-run `sheen plan` of the same recipe: the launch's cost over
merely planning it. Prints medians, peak RSS and the ratio. The issue's target: under 15 s to all-green.
Usage: Benchmarks/up/bench.py [--runs 5] [--recipe arabic-ecommerce] [--market SA ...]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "sheen", "--static-swift-stdlib"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(ROOT, ".build", "release", "sheen")


def timed(command, cwd, env):
    full = ["/usr/bin/time", "-f", "%e %M", "-o", os.path.join(cwd, ".time")] + command
    done = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds, kilobytes = open(os.path.join(cwd, ".time")).read().split()
    return float(seconds), int(kilobytes) / 1024, done


def summary(stdout):
    start = stdout.rfind("\n{\n")
    return json.loads(stdout[start + 1 if start >= 0 else 0:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--recipe", default="arabic-ecommerce")
    parser.add_argument("--market", action="append", default=[])
    args = parser.parse_args()
    markets = args.market or ["SA"]
    sheen = build()
    market_flags = [flag for market in markets for flag in ("--market", market)]
    launches, reruns, plans = [], [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="sheen-up-bench-") as directory:
            env = dict(os.environ, SHEEN_CATALOG=ROOT, SHEEN_KEYRING=os.path.join(directory, "keyring.json"))
            seconds, rss, done = timed([sheen, "up", args.recipe, "--sandbox", "--json"] + market_flags,
                                       directory, env)
            result = summary(done.stdout)
            if done.returncode != 0 or not result.get("ready"):
                sys.exit(f"run {run}: not all green ({done.returncode}):\n{done.stderr[-2000:]}")
            launches.append((seconds, rss, len(result["succeeded"])))
            seconds, rss, done = timed([sheen, "up", args.recipe, "--sandbox", "--json"] + market_flags,
                                       directory, env)
            again = summary(done.stdout)
            if done.returncode != 0 or again["succeeded"] or again["calls"]:
                sys.exit(f"run {run}: the rerun changed something: {again['succeeded']}, {again['calls']} calls")
            reruns.append((seconds, rss))
            seconds, rss, done = timed([sheen, "plan", "--recipe", args.recipe] + market_flags, directory, env)
            plans.append((seconds, rss))
    launch = statistics.median(s[0] for s in launches)
    rerun = statistics.median(s[0] for s in reruns)
    plan = statistics.median(s[0] for s in plans)
    print(f"sheen up {args.recipe} {' '.join(markets)} --sandbox, {args.runs} fresh runs (release, warm build)")
    print(f"  to all-green:        median {launch:.2f} s  (min {min(s[0] for s in launches):.2f}, "
          f"max {max(s[0] for s in launches):.2f}), peak RSS {max(s[1] for s in launches):.0f} MiB, "
          f"{launches[0][2]} steps")
    print(f"  rerun (no-op):       median {rerun:.2f} s, peak RSS {max(s[1] for s in reruns):.0f} MiB")
    print(f"  baseline plan:       median {plan:.2f} s  (sheen plan of the same recipe)")
    print(f"  launch / plan:       {launch / plan:.1f}x;  target 15 s: {'met' if launch < 15 else 'MISSED'} "
          f"({15 / launch:.1f}x under)")


if __name__ == "__main__":
    main()
