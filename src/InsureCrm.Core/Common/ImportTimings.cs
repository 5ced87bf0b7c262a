using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace InsureCrm.Core.Common;

/// <summary>
/// Wall-clock time per import phase, for the benchmark (bench/import): switched on by the environment
/// variable <c>INSURECRM_IMPORT_TIMINGS=1</c> and printed to standard error at the end of a run. Phase
/// names and counts only, never row values. Off, it costs one branch per phase.
/// When the database server runs on the same machine (PostgreSQL over loopback or a Unix socket), each phase also shows the CPU
/// time of the backend serving the batch (not the second connection of contacts written apart) and its time waiting for a
/// core (/proc/&lt;pid&gt;/schedstat): what the rest of a phase's wall time is, the backend waited for the import.
/// </summary>
internal sealed class ImportTimings
{
    public const string EnvironmentVariable = "INSURECRM_IMPORT_TIMINGS";

    private readonly Dictionary<string, Phase> _phases = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<string> _notes = [];
    private int _backendPid;
    /// <summary>While enabled: the collections per generation, printed under the phases.</summary>
    private readonly GcPauses? _gc;

    private ImportTimings(bool enabled)
    {
        Enabled = enabled;
        _gc = enabled ? new GcPauses() : null;
    }

    public static ImportTimings FromEnvironment() =>
        new(Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } v && v != "0");

    public bool Enabled { get; }

    public Scope Measure(string phase) => Enabled ? new(this, phase, Stopwatch.GetTimestamp(), Backend()) : default;

    /// <summary>
    /// Follows the backend serving <paramref name="connection"/> from now on, when the server runs on this machine:
    /// reached over loopback or a Unix socket (a host that is a directory).
    /// </summary>
    public void WatchBackend(Npgsql.NpgsqlConnection connection)
    {
        var onThisMachine = connection.Host is "127.0.0.1" or "localhost" or "::1" || connection.Host?.StartsWith('/') == true;
        if (!Enabled || !onThisMachine)
        {
            return;
        }
        var pid = connection.ProcessID;
        if (pid != _backendPid)
        {
            _backendPid = File.Exists($"/proc/{pid}/schedstat") ? pid : 0;
        }
    }

    /// <summary>A line printed under the phases (what the run decided, not row values).</summary>
    public void Note(string text)
    {
        if (Enabled)
        {
            lock (_phases)
            {
                _notes.Add(text);
            }
        }
    }

    public void Add(string phase, long ticks, BackendTime backend = default)
    {
        lock (_phases)
        {
            if (!_phases.TryGetValue(phase, out var current))
            {
                _order.Add(phase);
            }
            _phases[phase] = new Phase(current.Ticks + ticks, current.Count + 1, current.Backend + backend);
        }
    }

    public string Format(TimeSpan total, int rows)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"import timings: {rows:N0} rows in {total.TotalSeconds:0.00} s\n");
        lock (_phases)
        {
            foreach (var name in _order)
            {
                var phase = _phases[name];
                var seconds = (double)phase.Ticks / Stopwatch.Frequency;
                sb.Append(inv, $"  {name,-28} {seconds,8:0.000} s  {phase.Count,6}x  {seconds * 1000 / Math.Max(1, phase.Count),9:0.0} ms each");
                if (phase.Backend.Measured)
                {
                    sb.Append(inv, $"  backend cpu {phase.Backend.CpuNs / 1e9,7:0.00} s, waiting for a core {phase.Backend.WaitNs / 1e9,6:0.00} s");
                }
                sb.Append('\n');
            }
            foreach (var note in _notes)
            {
                sb.Append(inv, $"  {note}\n");
            }
        }
        // Garbage collections pause every thread of the import, the one feeding the database included.
        var allocated = GC.GetTotalAllocatedBytes();
        sb.Append(inv, $"  garbage collections: {GC.CollectionCount(0):N0} gen0, {GC.CollectionCount(1):N0} gen1, {GC.CollectionCount(2):N0} gen2, paused {GC.GetTotalPauseDuration().TotalSeconds:0.00} s, allocated {allocated / 1048576.0:N0} MB ({allocated / (double)Math.Max(1, rows):N0} bytes a row)\n");
        _gc?.Format(sb);
        return sb.ToString();
    }

    private BackendTime Backend() => Backend(_backendPid);

    private static BackendTime Backend(int pid)
    {
        if (pid == 0)
        {
            return default;
        }
        try
        {
            // "<ns on cpu> <ns waiting on a run queue> <time slices>"
            var fields = File.ReadAllText($"/proc/{pid}/schedstat").Split(' ');
            return new BackendTime(pid, long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return default;
        }
    }

    private readonly record struct Phase(long Ticks, int Count, BackendTime Backend);

    /// <summary>
    /// A backend's CPU and run-queue time (absolute, or a phase's sum of differences); <paramref name="Pid"/> 0 when not measured.
    /// A phase is measured on the backend followed when it began, to its end (an import may change connections between batches).
    /// </summary>
    public readonly record struct BackendTime(int Pid, long CpuNs, long WaitNs)
    {
        public bool Measured => Pid != 0;

        public static BackendTime operator +(BackendTime a, BackendTime b) => new(a.Measured ? a.Pid : b.Pid, a.CpuNs + b.CpuNs, a.WaitNs + b.WaitNs);
    }

    public readonly struct Scope(ImportTimings owner, string phase, long start, BackendTime backend) : IDisposable
    {
        public void Dispose()
        {
            if (start == 0)
            {
                return;
            }
            var now = backend.Measured ? Backend(backend.Pid) : default;
            owner.Add(phase, Stopwatch.GetTimestamp() - start,
                now.Measured ? new BackendTime(now.Pid, now.CpuNs - backend.CpuNs, now.WaitNs - backend.WaitNs) : default);
        }
    }
}
