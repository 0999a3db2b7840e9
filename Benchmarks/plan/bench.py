#!/usr/bin/env python3
"""Side-by-side plan benchmark: `sheen plan --dag` against `terraform plan` on the same generated DAGs.

For each size, gen.py writes one layered DAG twice (dag.json for Sheen, main.tf of `terraform_data` for Terraform).
Each tool plans it from empty state several times; the script prints the median wall time, the peak resident memory
(/usr/bin/time's maximum RSS) of each, and Terraform's figure divided by Sheen's.

Usage: Benchmarks/plan/bench.py [--sizes 1000 10000] [--runs 5] [--terraform-runs 3] [--terraform-timeout 300]
Terraform runs for every size unless it is missing or a run exceeds the timeout (then the size is reported as
"did not finish").
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GEN = os.path.join(ROOT, "Benchmarks", "gen.py")


def timed(command, cwd, timeout, env=None):
    """Runs command under /usr/bin/time; returns (seconds, peak MiB) or None on timeout."""
    os.sync()  # keep earlier runs' writeback out of this one
    full = ["/usr/bin/time", "-f", "%e %M"] + command
    try:
        done = subprocess.run(full, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None
    last = done.stderr.strip().splitlines()[-1]
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    seconds, kilobytes = last.split()
    return float(seconds), int(kilobytes) / 1024


def median_run(command, cwd, runs, timeout, env=None):
    samples = []
    for _ in range(runs):
        sample = timed(command, cwd, timeout, env)
        if sample is None:
            return None
        samples.append(sample)
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--terraform-runs", type=int, default=3)
    parser.add_argument("--terraform-timeout", type=int, default=300)
    args = parser.parse_args()

    print("building sheen (release)...", file=sys.stderr)
    subprocess.run(["swift", "build", "-c", "release", "--product", "sheen", "--static-swift-stdlib"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    sheen = os.path.join(ROOT, ".build", "release", "sheen")
    terraform = shutil.which("terraform")
    tf_env = dict(os.environ, TF_IN_AUTOMATION="1", TF_CLI_CONFIG_FILE="/dev/null", CHECKPOINT_DISABLE="1")

    rows = []
    with tempfile.TemporaryDirectory(prefix="sheen-bench-") as work:
        for size in args.sizes:
            out = os.path.join(work, f"layered-{size}")
            subprocess.run([sys.executable, GEN, "--shape", "layered", "-n", str(size), "-o", out], check=True,
                           stdout=subprocess.DEVNULL)
            print(f"sheen plan, {size} nodes...", file=sys.stderr)
            sheen_result = median_run([sheen, "plan", "--dag", "dag.json"], out, args.runs, 600)
            tf_result = None
            if terraform:
                print(f"terraform plan, {size} nodes...", file=sys.stderr)
                subprocess.run([terraform, "init", "-input=false", "-no-color"], cwd=out, check=True,
                               stdout=subprocess.DEVNULL, env=tf_env)
                tf_result = median_run([terraform, "plan", "-input=false", "-lock=false", "-no-color"], out,
                                       args.terraform_runs, args.terraform_timeout, tf_env)
            rows.append((size, sheen_result, tf_result))

    print()
    print("layered DAG, plan from empty state; median wall time, peak RSS")
    print(f"{'nodes':>6}  {'sheen':>18}  {'terraform':>22}  {'time ratio':>10}  {'memory ratio':>12}")
    for size, sheen_result, tf_result in rows:
        sheen_text = f"{sheen_result[0]:.3f} s {sheen_result[1]:.0f} MiB"
        if tf_result is None:
            tf_text = "did not finish" if terraform else "not installed"
            print(f"{size:>6}  {sheen_text:>18}  {tf_text:>22}  {'-':>10}  {'-':>12}")
        else:
            tf_text = f"{tf_result[0]:.3f} s {tf_result[1]:.0f} MiB"
            print(f"{size:>6}  {sheen_text:>18}  {tf_text:>22}  {tf_result[0] / sheen_result[0]:>9.1f}x"
                  f"  {tf_result[1] / sheen_result[1]:>11.1f}x")
    print()
    print("targets: >= 50x faster than terraform at 1,000 nodes; 10,000 steps in < 1 s and < 100 MiB")


if __name__ == "__main__":
    main()
