#!/usr/bin/env python3
"""The table, markdown and SVG chart of scripts/bench-balancers (standard library only).

usage: bench-balancers-report.py RAW.tsv SIMULATED.tsv OUT.md OUT.svg PORTS DELAYS JITTER KILLED CONNECTIONS SECONDS

RAW.tsv: one wrk run per line (scenario, target, rps, p50/p90/p99/max in µs, non-2xx, socket errors, requests,
the second the worker was killed, and "PORT=count,..." tallies of who answered). SIMULATED.tsv: scenario, target
and SluiceBench simulate's key=value line.
"""
import csv
import html
import math
import sys

(raw_path, sim_path, md_path, svg_path, ports_text, delays_text, jitter, killed, connections,
 seconds) = sys.argv[1:11]
ports = ports_text.split(",")
delays = delays_text.split(",")
killed = int(killed)

runs = list(csv.DictReader(open(raw_path), delimiter="\t"))
simulated = {}
for line in open(sim_path):
    scenario, target, fields = line.rstrip("\n").split("\t", 2)
    simulated[(scenario, target)] = dict(field.split("=", 1) for field in fields.split())

SCENARIOS = {
    "steady": f"all five workers up",
    "killed": f"worker {killed} killed (SIGKILL) halfway through each run",
}


def label(target):
    kind, policy = target.split(":", 1)
    return f"{kind} {policy}"


def ms(microseconds):
    value = microseconds / 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def shares(run):
    counts = {}
    for item in filter(None, run["counts"].split(",")):
        key, count = item.split("=")
        counts[key] = int(count)
    answered = sum(counts.values()) or 1
    per_worker = [counts.get(port, 0) / answered * 100 for port in ports]
    failed = sum(n for key, n in counts.items() if key not in ports)
    return per_worker, failed


worker_headers = [f"w{i + 1} ({delays[i]} ms)" for i in range(len(ports))]
header = ["target", "req/s", "p50", "p90", "p99", "max"] + worker_headers + ["errors"]
right = set(range(1, len(header)))
tables = {}
for scenario in SCENARIOS:
    rows = []
    for run in (r for r in runs if r["scenario"] == scenario):
        per_worker, failed = shares(run)
        errors = int(run["non2xx"]) + int(run["errors"])
        rows.append([label(run["target"]), f"{float(run['rps']):,.0f}", ms(int(run["p50_us"])),
                     ms(int(run["p90_us"])), ms(int(run["p99_us"])), ms(int(run["max_us"]))]
                    + [f"{share:.1f}%" for share in per_worker] + [str(errors) if errors else ""])
        prediction = simulated.get((scenario, run["target"]))
        if prediction:
            sim_shares = prediction["shares"].split(",")
            failed_sim = int(prediction.get("failed", "0"))
            rows.append(["  simulated", f"{float(prediction['rps']):,.0f}", ms(float(prediction["p50_ms"]) * 1000),
                         "–", ms(float(prediction["p99_ms"]) * 1000), ms(float(prediction["max_ms"]) * 1000)]
                        + [f"{float(share):.1f}%" for share in sim_shares]
                        + [str(failed_sim) if failed_sim else ""])
    tables[scenario] = rows

notes = [
    f"sluice-workers on 127.0.0.1: delays {', '.join(delays)} ms, each plus uniform 0-{jitter} ms; wrk -t1 "
    f"-c{connections}, {seconds} s per run, one URL (/) from one address, so hash and sticky send everything "
    "to one worker and static to the first.",
    "Sluice: server.max-worker default (one event loop per core), proxy-core.disable-time 1 s. nginx: "
    "worker_processes 2, shared zone, keepalive 32, max_fails 1 / fail_timeout 10 s (defaults). HAProxy: "
    "nbthread 2, http-reuse always, TCP check every 1 s, retries 2 with redispatch.",
    "'simulated': SluiceBench simulate (the real policies on a simulated clock, closed loop of the same "
    "concurrency, workers with unlimited concurrency); in the killed scenario the worker refuses connections "
    "from the measured kill time on, but requests it already accepted still complete there, whereas a real "
    "SIGKILL loses them (errors). For hash the simulator hashes its own URL, so the one worker it picks may "
    "differ from the real one; for sticky it gives each simulated client its own address, where all of wrk's "
    "connections come from 127.0.0.1.",
    "'errors': non-2xx answers plus wrk socket errors.",
]

widths = [max(len(h), *(len(r[i]) for rows in tables.values() for r in rows)) for i, h in enumerate(header)]


def line(cells):
    return "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells))


for scenario, description in SCENARIOS.items():
    print(f"\n{scenario}: {description}")
    print(line(header))
    print(line(["-" * w for w in widths]))
    for row in tables[scenario]:
        print(line(row))
print()
for note in notes:
    print(note)

with open(md_path, "w") as out:
    for scenario, description in SCENARIOS.items():
        out.write(f"**{scenario}**: {description}\n\n")
        out.write("| " + " | ".join(header) + " |\n")
        out.write("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|\n")
        for row in tables[scenario]:
            cells = [c.strip() if c.strip() != "simulated" else "↳ simulated" for c in row]
            out.write("| " + " | ".join(c if c else " " for c in cells) + " |\n")
        out.write("\n")
    out.write("\n".join(notes) + "\n")
print(f"\n(written to {md_path} and {svg_path})")

# --- SVG: p50 / p90 / p99 per target on a log axis, one panel per scenario -------------------------------------
COLORS = {"p50": "#4c78a8", "p90": "#f2a93b", "p99": "#e45756"}
LEFT, RIGHT, WIDTH = 210, 30, 960
BAR, GAP, PANEL_HEAD = 6, 10, 46
values = [int(r[k]) / 1000 for r in runs for k in ("p50_us", "p90_us", "p99_us")]
values += [float(p[k]) for p in simulated.values() for k in ("p50_ms", "p99_ms")]
top = max(values + [10])
ticks = [1, 2, 5]
while ticks[-1] < top:
    ticks.append(ticks[-3] * 10)
low, high = math.log10(1), math.log10(ticks[-1])


def x(milliseconds):
    clamped = min(max(milliseconds, 1), ticks[-1])
    return LEFT + (math.log10(clamped) - low) / (high - low) * (WIDTH - LEFT - RIGHT)


parts = []
y = 52
for scenario, description in SCENARIOS.items():
    scenario_runs = [r for r in runs if r["scenario"] == scenario]
    rows_height = len(scenario_runs) * (3 * BAR + GAP)
    parts.append(f'<text x="10" y="{y + 18}" class="head">{html.escape(scenario)}: {html.escape(description)}</text>')
    area_top = y + PANEL_HEAD - 14
    for tick in ticks:
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" y1="{area_top}" x2="{tx:.1f}" y2="{area_top + rows_height + 4}" class="grid"/>')
        parts.append(f'<text x="{tx:.1f}" y="{area_top + rows_height + 18}" class="tick">{tick} ms</text>')
    row_y = area_top + 4
    for run in scenario_runs:
        parts.append(f'<text x="{LEFT - 8}" y="{row_y + 1.5 * BAR + 4}" class="label">{html.escape(label(run["target"]))}</text>')
        for offset, key in enumerate(("p50", "p90", "p99")):
            value = int(run[f"{key}_us"]) / 1000
            parts.append(f'<rect x="{LEFT}" y="{row_y + offset * BAR}" width="{x(value) - LEFT:.1f}" height="{BAR - 1}" '
                         f'fill="{COLORS[key]}"><title>{html.escape(label(run["target"]))} {key} {value:.1f} ms</title></rect>')
        prediction = simulated.get((scenario, run["target"]))
        if prediction:
            for offset, key in ((0, "p50"), (2, "p99")):
                value = float(prediction[f"{key}_ms"])
                cx, cy = x(value), row_y + offset * BAR + (BAR - 1) / 2
                parts.append(f'<path d="M{cx:.1f} {cy - 4:.1f} L{cx + 4:.1f} {cy:.1f} L{cx:.1f} {cy + 4:.1f} '
                             f'L{cx - 4:.1f} {cy:.1f} Z" class="sim"><title>simulated {key} {value:.1f} ms</title></path>')
        row_y += 3 * BAR + GAP
    y = area_top + rows_height + 40

legend_x = LEFT
legend = []
for index, key in enumerate(("p50", "p90", "p99")):
    legend.append(f'<rect x="{legend_x + index * 80}" y="31" width="12" height="10" fill="{COLORS[key]}"/>'
                  f'<text x="{legend_x + index * 80 + 16}" y="40" class="legend">{key}</text>')
legend.append(f'<path d="M{legend_x + 246} 31 L{legend_x + 251} 36 L{legend_x + 246} 41 L{legend_x + 241} 36 Z" class="sim"/>'
              f'<text x="{legend_x + 257}" y="40" class="legend">simulated p50 / p99</text>')

svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" viewBox="0 0 {WIDTH} {y}" font-family="sans-serif">
<style>
  .head {{ font-size: 14px; font-weight: bold; }}
  .label {{ font-size: 12px; text-anchor: end; }}
  .tick {{ font-size: 11px; text-anchor: middle; fill: #555; }}
  .legend {{ font-size: 12px; }}
  .grid {{ stroke: #ddd; stroke-width: 1; }}
  .sim {{ fill: white; stroke: black; stroke-width: 1.2; }}
</style>
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="21" class="head">Latency per policy: 4 workers at {delays[0]} ms, 1 at {max(delays, key=float)} ms, {connections} connections (log scale)</text>
{chr(10).join(legend)}
{chr(10).join(parts)}
</svg>
"""
with open(svg_path, "w") as out:
    out.write(svg)
