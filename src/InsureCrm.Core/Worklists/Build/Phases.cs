using System.Diagnostics;
using System.Globalization;

namespace InsureCrm.Core.Worklists.Build;

/// <summary>
/// The wall time and the process's CPU time of each part of a build, in order, so that the nightly summary and
/// bench/worklist.sh show where a slow night went (the mart, the book, each source, the plan, the facts, the write)
/// without a profiler. CPU time is the whole process's (the runtime's own threads included): on a busy machine it says
/// what wall time cannot.
/// </summary>
internal sealed class Phases
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private TimeSpan _cpu = Environment.CpuUsage.TotalTime;
    private readonly List<BuildPhase> _done = [];

    public IReadOnlyList<BuildPhase> Done => _done;

    /// <summary>Ends the phase running since the previous mark (or the start) under this name.</summary>
    public void Mark(string name)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        _done.Add(new(name, _watch.Elapsed, cpu - _cpu));
        _cpu = cpu;
        _watch.Restart();
    }

    public static string Describe(IReadOnlyList<BuildPhase> phases) =>
        string.Join(", ", phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Elapsed.TotalSeconds:0.0} s (CPU {p.Cpu.TotalSeconds:0.0})")));
}

/// <summary>A part of a build: its wall time and the CPU time the process spent in it.</summary>
public sealed record BuildPhase(string Name, TimeSpan Elapsed, TimeSpan Cpu);
