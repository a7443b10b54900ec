#include "data_report.h"

#include <algorithm>
#include <functional>
#include <iostream>

#include "bench_support.h"

namespace drs::bench {
namespace {

// The goals: initial copy throughput ≥ 0.9 of plain rsync's, a
// no-change re-sync ≤ 1.1 of its time.
constexpr double kCopyGoal = 0.9;
constexpr double kResyncGoal = 1.1;
constexpr double kBytesPerMB = 1e6;
constexpr double kBytesPerMiB = 1024.0 * 1024.0;

using Pick = std::function<double(const RunMeasure&)>;
using Phase = std::vector<RunMeasure> SideRuns::*;

std::string Spread(const std::vector<double>& v, int decimals, const std::string& unit = "") {
  if (v.empty()) return "—";
  if (v.size() == 1) return Fixed(v[0], decimals) + unit;
  return Fixed(Median(v), decimals) + unit + " (" + Fixed(Percentile(v, 0), decimals) + "–" +
         Fixed(Percentile(v, 100), decimals) + ")";
}

std::vector<double> Each(const std::vector<RunMeasure>& runs, const Pick& pick) {
  std::vector<double> out;
  for (const RunMeasure& m : runs) out.push_back(pick(m));
  return out;
}

double Wall(const RunMeasure& m) { return m.wall_s; }

// Per repetition: wall(numerator side) ÷ wall(denominator side).
std::vector<double> WallRatios(const DataSetRuns& set, Phase phase, Side numerator,
                               Side denominator) {
  std::vector<double> out;
  const auto a = set.runs.find(numerator);
  const auto b = set.runs.find(denominator);
  if (a == set.runs.end() || b == set.runs.end()) return out;
  const auto& x = a->second.*phase;
  const auto& y = b->second.*phase;
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    out.push_back(x[i].wall_s / y[i].wall_s);
  }
  return out;
}

std::vector<double> Inverted(std::vector<double> v) {
  for (double& x : v) x = 1 / x;
  return v;
}

std::string MiB(double bytes) { return Fixed(bytes / kBytesPerMiB, 1); }

// "rsync ×2 41.0 + ssh 6.1": what made up a tree's peak, largest first.
std::string Breakdown(const TreeMemory& memory) {
  std::vector<std::pair<std::int64_t, std::string>> parts;
  for (const auto& [comm, bytes] : memory.by_command) {
    const int count = memory.processes_by_command.at(comm);
    parts.emplace_back(bytes, comm + (count > 1 ? " ×" + std::to_string(count) : ""));
  }
  std::sort(parts.rbegin(), parts.rend());
  std::string out;
  for (const auto& [bytes, name] : parts) {
    out += (out.empty() ? "" : " + ") + name + " " + MiB(static_cast<double>(bytes));
  }
  return out.empty() ? "—" : out;
}

// The repetition whose summed peak was largest, for its breakdown.
const RunMeasure& LargestPeak(const std::vector<RunMeasure>& runs, bool mover) {
  return *std::max_element(runs.begin(), runs.end(), [mover](const auto& a, const auto& b) {
    return mover ? a.mover_memory.rss_bytes < b.mover_memory.rss_bytes
                 : a.agent_memory.rss_bytes < b.agent_memory.rss_bytes;
  });
}

std::string Sandbox(const std::string& audit_line) {
  const auto at = audit_line.find("(sandbox:");
  if (at == std::string::npos) return "not reported (" + audit_line.substr(0, 200) + ")";
  return audit_line.substr(at, audit_line.find(')', at) + 1 - at);
}

std::string Count(std::int64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

std::string Describe(const DataSetRuns& set) {
  const std::string dirs =
      set.stats.dirs == 0 ? "" : " in " + Count(set.stats.dirs) + " directories";
  return "`" + set.name + "` " + Count(set.stats.files) + " files" + dirs + ", " +
         MiB(static_cast<double>(set.stats.bytes)) + " MiB";
}

void PrintInitial(const Report& report, const std::vector<DataSetRuns>& sets) {
  std::cout << "\n#### Initial copy into an empty destination\n\n";
  PrintRow(
      {"data set", "side", "wall", "MB/s", "throughput ÷ baseline", "mover CPU", "agent-side CPU"});
  PrintRow({"---", "---", "---", "---", "---", "---", "---"});
  for (const DataSetRuns& set : sets) {
    const double mb = static_cast<double>(set.stats.bytes) / kBytesPerMB;
    for (Side side : report.sides) {
      const auto& runs = set.runs.at(side).initial;
      const std::string ratio =
          side == Side::kBaseline
              ? "1"
              : Spread(Inverted(WallRatios(set, &SideRuns::initial, side, Side::kBaseline)), 2);
      PrintRow({set.name, SideTitle(side), Spread(Each(runs, Wall), 2, " s"),
                Spread(Each(runs, [mb](const RunMeasure& m) { return mb / m.wall_s; }), 1),
                side == Side::kOurs ? "**" + ratio + "**" : ratio,
                Spread(Each(runs, [](const RunMeasure& m) { return m.mover_cpu_s; }), 2, " s"),
                Spread(Each(runs, [](const RunMeasure& m) { return m.agent_cpu_s; }), 2, " s")});
    }
  }
}

void PrintResync(const Report& report, const DataSetRuns& set) {
  std::cout << "\n#### No-change re-sync of the " << set.name << " set (" << Count(set.stats.files)
            << " files)\n\n";
  PrintRow({"side", "wall", "time ÷ baseline", "mover CPU", "agent-side CPU"});
  PrintRow({"---", "---", "---", "---", "---"});
  for (Side side : report.sides) {
    const auto& runs = set.runs.at(side).resync;
    const std::string ratio =
        side == Side::kBaseline
            ? "1"
            : Spread(WallRatios(set, &SideRuns::resync, side, Side::kBaseline), 2);
    PrintRow({SideTitle(side), Spread(Each(runs, Wall), 3, " s"),
              side == Side::kOurs ? "**" + ratio + "**" : ratio,
              Spread(Each(runs, [](const RunMeasure& m) { return m.mover_cpu_s; }), 2, " s"),
              Spread(Each(runs, [](const RunMeasure& m) { return m.agent_cpu_s; }), 2, " s")});
  }
}

void PrintSteps(const Report& report, const std::vector<DataSetRuns>& sets) {
  const auto has = [&](Side side) {
    return std::find(report.sides.begin(), report.sides.end(), side) != report.sides.end();
  };
  if (!has(Side::kOpts) || !has(Side::kOptsAgent)) return;
  struct Column {
    const DataSetRuns* set;
    Phase phase;
    std::string title;
  };
  std::vector<Column> columns;
  for (const DataSetRuns& set : sets) {
    columns.push_back({&set, &SideRuns::initial, set.name + ", initial copy"});
    if (set.resync) columns.push_back({&set, &SideRuns::resync, set.name + ", re-sync"});
  }
  std::cout << "\n#### Where the difference goes: wall-time ratios (> 1 = slower), median of "
               "per-repetition ratios\n\n";
  std::vector<std::string> header = {"step"};
  for (const Column& c : columns) header.push_back(c.title);
  PrintRow(header);
  PrintRow(std::vector<std::string>(header.size(), "---"));
  struct Step {
    std::string title;
    Side numerator, denominator;
  };
  std::vector<Step> steps;
  if (has(Side::kOptsNoAclXattr)) {
    steps.push_back(
        {"rsync options but ACLs and xattrs: mover's command without `-A -X` ÷ "
         "`rsync -a` (both plain sshd)",
         Side::kOptsNoAclXattr, Side::kBaseline});
    steps.push_back({"ACLs and xattrs: mover's command ÷ the same without `-A -X`", Side::kOpts,
                     Side::kOptsNoAclXattr});
  } else {
    steps.push_back({"rsync options: mover's command ÷ `rsync -a` (both plain sshd)", Side::kOpts,
                     Side::kBaseline});
  }
  steps.push_back(
      {"agent side (its sshd, gate, Landlock): mover's command to the agent ÷ to "
       "plain sshd",
       Side::kOptsAgent, Side::kOpts});
  if (has(Side::kOursNoSkip)) {
    steps.push_back(
        {"pull process: `pull` without `--skip-unchanged` ÷ the mover's command run "
         "directly",
         Side::kOursNoSkip, Side::kOptsAgent});
    steps.push_back(
        {"tree digest (the unchanged check, and no `--sparse` for a source "
         "without sparse files): `pull` ÷ the same without `--skip-unchanged`",
         Side::kOurs, Side::kOursNoSkip});
  } else {
    steps.push_back(
        {"pull process: `pull` ÷ the mover's command run directly", Side::kOurs, Side::kOptsAgent});
  }
  steps.push_back({"**all: ours ÷ baseline**", Side::kOurs, Side::kBaseline});
  for (const auto& step : steps) {
    std::vector<std::string> row = {step.title};
    for (const Column& c : columns) {
      row.push_back(Spread(WallRatios(*c.set, c.phase, step.numerator, step.denominator), 2));
    }
    PrintRow(row);
  }
}

void PrintMemory(const Report& report, const std::vector<DataSetRuns>& sets) {
  std::cout << "\n#### Memory: peak of the summed RSS of each side's process tree (MiB), "
               "sampled every 100 ms; median over repetitions\n\n";
  PrintRow({"data set, phase", "side", "mover side", "agent side",
            "largest peak, by process: mover side", "agent side"});
  PrintRow({"---", "---", "---", "---", "---", "---"});
  for (const DataSetRuns& set : sets) {
    for (Phase phase : {&SideRuns::initial, &SideRuns::resync}) {
      if (phase == &SideRuns::resync && !set.resync) continue;
      const std::string what =
          set.name + (phase == &SideRuns::initial ? ", initial copy" : ", re-sync");
      for (Side side : report.sides) {
        const auto& runs = set.runs.at(side).*phase;
        if (runs.empty()) continue;
        PrintRow({what, SideTitle(side),
                  Spread(Each(runs,
                              [](const RunMeasure& m) {
                                return static_cast<double>(m.mover_memory.rss_bytes) / kBytesPerMiB;
                              }),
                         1),
                  Spread(Each(runs,
                              [](const RunMeasure& m) {
                                return static_cast<double>(m.agent_memory.rss_bytes) / kBytesPerMiB;
                              }),
                         1),
                  Breakdown(LargestPeak(runs, true).mover_memory),
                  Breakdown(LargestPeak(runs, false).agent_memory)});
      }
    }
  }
}

void PrintVerdicts(const std::vector<DataSetRuns>& sets) {
  std::cout << "\n";
  for (const DataSetRuns& set : sets) {
    const double copy =
        Median(Inverted(WallRatios(set, &SideRuns::initial, Side::kOurs, Side::kBaseline)));
    // Three decimals: a ratio printed as 0.90 may still be under the goal.
    std::cout << "- **" << set.name << ", initial copy: " << Fixed(copy, 3)
              << " of the baseline's throughput** (goal ≥ " << Fixed(kCopyGoal, 1) << ": "
              << (copy >= kCopyGoal ? "met" : "missed") << ")\n";
    if (!set.resync) continue;
    const double again = Median(WallRatios(set, &SideRuns::resync, Side::kOurs, Side::kBaseline));
    std::cout << "- **" << set.name << ", no-change re-sync: " << Fixed(again, 3)
              << " of the baseline's time** (goal ≤ " << Fixed(kResyncGoal, 1) << ": "
              << (again <= kResyncGoal ? "met" : "missed") << ")\n";
  }
}

}  // namespace

void PrintReport(const Report& report, const std::vector<DataSetRuns>& sets) {
  std::cout << "\n### PVC data path: `dr-syncer-agent pull` and plain `rsync -a -e ssh`\n\n";
  std::cout << "- data sets, in CSI volume directories of a kubelet pods tree under " << report.work
            << ":";
  for (std::size_t i = 0; i < sets.size(); ++i) {
    std::cout << (i == 0 ? " " : "; ") << Describe(sets[i]);
  }
  std::cout << "\n- page cache: every source file read once before the first timing (";
  for (std::size_t i = 0; i < sets.size(); ++i) {
    std::cout << (i == 0 ? "" : ", ") << sets[i].name << " " << Fixed(sets[i].warmup_read_s, 1)
              << " s";
  }
  std::cout << "), never dropped; `sync` before every timed run\n"
            << "- " << report.tools << "; the gate's rsync sender: " << Sandbox(report.sandbox)
            << "; the destination keeps ACLs: " << (report.support.acls ? "yes" : "no")
            << ", xattrs: " << (report.support.xattrs ? "yes" : "no") << "\n"
            << "- " << report.reps << " repetition(s) per side, order rotated each repetition\n"
            << "- load average: start " << report.load_start;
  for (const DataSetRuns& set : sets) {
    std::cout << "; " << set.name << " " << set.load_before << " → " << set.load_after;
  }
  std::cout << "; end " << report.load_end << "\n";
  PrintVerdicts(sets);
  PrintInitial(report, sets);
  for (const DataSetRuns& set : sets) {
    if (set.resync) PrintResync(report, set);
  }
  PrintSteps(report, sets);
  PrintMemory(report, sets);
  std::cout << std::flush;
}

}  // namespace drs::bench
