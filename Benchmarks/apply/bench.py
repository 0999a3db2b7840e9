#!/usr/bin/env python3
"""Side-by-side apply benchmark: `sheen apply --dag` against `terraform apply` on the same generated DAGs.

(a) create: apply a layered DAG from empty state (1,000 nodes for both tools; 10,000 for Sheen alone), with Sheen's
    journal durable (SQLite WAL, synchronous=FULL, one journal entry per transition);
(b) no-op: apply the same DAG again, which must make zero step calls (checked from Sheen's --json events);
(c) latency: a 200-node layered DAG whose steps each take 50 ms, at parallelism 50, reported as
    wall time / (depth x 50 ms), the critical-path bound.

Prints the median wall time and peak RSS of each tool and their ratios.
Usage: Benchmarks/apply/bench.py [--runs 5] [--terraform-runs 3] [--terraform-create-runs 1] [--skip-terraform]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GEN = os.path.join(ROOT, "Benchmarks", "gen.py")


def timed(command, cwd, env=None, capture=False):
    # Flush everyone's dirty pages first, so one run's writeback does not land in the next run's fsyncs.
    os.sync()
    full = ["/usr/bin/time", "-f", "%e %M", "-o", os.path.join(cwd, ".time")] + command
    done = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    seconds, kilobytes = open(os.path.join(cwd, ".time")).read().split()
    return float(seconds), int(kilobytes) / 1024, done.stdout


def median(samples):
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def generate(work, name, *args):
    out = os.path.join(work, name)
    subprocess.run([sys.executable, GEN, "-o", out, *args], check=True, stdout=subprocess.DEVNULL)
    return out, json.load(open(os.path.join(out, "meta.json")))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--terraform-runs", type=int, default=3)
    parser.add_argument("--terraform-create-runs", type=int, default=1)
    parser.add_argument("--skip-terraform", action="store_true")
    args = parser.parse_args()

    print("building sheen (release)...", file=sys.stderr)
    subprocess.run(["swift", "build", "-c", "release", "--product", "sheen", "--static-swift-stdlib"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    sheen = os.path.join(ROOT, ".build", "release", "sheen")
    terraform = None if args.skip_terraform else shutil.which("terraform")
    tf_env = dict(os.environ, TF_IN_AUTOMATION="1", TF_CLI_CONFIG_FILE="/dev/null", CHECKPOINT_DISABLE="1")

    def sheen_apply(cwd, *extra, fresh=True):
        if fresh:
            shutil.rmtree(os.path.join(cwd, ".sheen"), ignore_errors=True)
        return timed([sheen, "apply", "--dag", "dag.json", "--auto-approve", *extra], cwd, capture="--json" in extra)

    def tf_reset(cwd):
        for name in ("terraform.tfstate", "terraform.tfstate.backup"):
            if os.path.exists(os.path.join(cwd, name)):
                os.remove(os.path.join(cwd, name))

    def tf_apply(cwd, *extra):
        return timed(["terraform", "apply", "-auto-approve", "-input=false", "-lock=false", "-no-color", *extra], cwd,
                     tf_env)

    rows = []
    with tempfile.TemporaryDirectory(prefix="sheen-apply-bench-") as work:
        # (a) create and (b) no-op
        for size in (1000, 10000):
            out, meta = generate(work, f"layered-{size}", "--shape", "layered", "-n", str(size))
            runs = args.runs if size <= 1000 else max(1, args.runs // 2)
            print(f"sheen create, {size} nodes...", file=sys.stderr)
            create = median([sheen_apply(out) for _ in range(runs)])
            print(f"sheen no-op, {size} nodes...", file=sys.stderr)
            noop_samples = [sheen_apply(out, "--json", fresh=False) for _ in range(runs)]
            for sample in noop_samples:
                finished = [json.loads(line) for line in sample[2].splitlines() if '"finished"' in line][-1]
                assert finished["calls"] == 0, f"no-op apply made {finished['calls']} calls"
            noop = median(noop_samples)
            tf_create = tf_noop = None
            if terraform and size <= 1000:
                subprocess.run(["terraform", "init", "-input=false", "-no-color"], cwd=out, check=True,
                               stdout=subprocess.DEVNULL, env=tf_env)
                print(f"terraform create, {size} nodes (about a minute per run)...", file=sys.stderr)
                samples = []
                for _ in range(args.terraform_create_runs):
                    tf_reset(out)
                    samples.append(tf_apply(out))
                tf_create = median(samples)
                print(f"terraform no-op, {size} nodes...", file=sys.stderr)
                tf_noop = median([tf_apply(out) for _ in range(args.terraform_runs)])
            rows.append((f"(a) create, layered {size}", create, tf_create, None))
            rows.append((f"(b) no-op apply, layered {size}", noop, tf_noop, None))

        # (c) latency-bound graph
        out, meta = generate(work, "layered-200-50ms", "--shape", "layered", "-n", "200", "--latency-ms", "50")
        bound = meta["depth"] * 0.050
        print("sheen 200 x 50 ms at parallelism 50...", file=sys.stderr)
        latency = median([sheen_apply(out, "--parallelism", "50", "--step-latency-ms", "50") for _ in range(args.runs)])
        tf_latency = None
        if terraform:
            subprocess.run(["terraform", "init", "-input=false", "-no-color"], cwd=out, check=True,
                           stdout=subprocess.DEVNULL, env=tf_env)
            print("terraform 200 x 50 ms at parallelism 50...", file=sys.stderr)
            samples = []
            for _ in range(args.terraform_runs):
                tf_reset(out)
                samples.append(tf_apply(out, "-parallelism=50"))
            tf_latency = median(samples)
        rows.append((f"(c) 200 x 50 ms, depth {meta['depth']}, p=50", latency, tf_latency, bound))

    print()
    print("median wall time, peak RSS; ratio = terraform / sheen (higher is better for sheen)")
    print(f"{'case':<34} {'sheen':>18} {'terraform':>20} {'ratio':>8}  {'sheen / bound':>13} {'tf / bound':>10}")
    for name, ours, theirs, bound in rows:
        ours_text = f"{ours[0]:.3f} s {ours[1]:.0f} MiB"
        theirs_text = f"{theirs[0]:.3f} s {theirs[1]:.0f} MiB" if theirs else "-"
        ratio = f"{theirs[0] / ours[0]:.1f}x" if theirs else "-"
        ours_bound = f"{ours[0] / bound:.3f}" if bound else ""
        theirs_bound = f"{theirs[0] / bound:.2f}" if bound and theirs else ""
        print(f"{name:<34} {ours_text:>18} {theirs_text:>20} {ratio:>8}  {ours_bound:>13} {theirs_bound:>10}")
    print()
    print("targets: (a) >= 10x terraform at 1,000 and near-linear to 10,000; (b) >= 50x; (c) <= 1.15 of the bound")


if __name__ == "__main__":
    main()
