using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace InsureCrm.Core.Common;

/// <summary>
/// Wall-clock time per import phase, for the benchmark (bench/import): switched on by the environment
/// variable <c>INSURECRM_IMPORT_TIMINGS=1</c> and printed to standard error at the end of a run. Phase
/// names and counts only, never row values. Off, it costs one branch per phase.
/// </summary>
internal sealed class ImportTimings
{
    public const string EnvironmentVariable = "INSURECRM_IMPORT_TIMINGS";

    private readonly Dictionary<string, (long Ticks, int Count)> _phases = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    private ImportTimings(bool enabled) => Enabled = enabled;

    public static ImportTimings FromEnvironment() =>
        new(Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } v && v != "0");

    public bool Enabled { get; }

    public Scope Measure(string phase) => new(this, phase, Enabled ? Stopwatch.GetTimestamp() : 0);

    public void Add(string phase, long ticks)
    {
        lock (_phases)
        {
            if (!_phases.TryGetValue(phase, out var current))
            {
                _order.Add(phase);
            }
            _phases[phase] = (current.Ticks + ticks, current.Count + 1);
        }
    }

    public string Format(TimeSpan total, int rows)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"import timings: {rows:N0} rows in {total.TotalSeconds:0.00} s\n");
        lock (_phases)
        {
            foreach (var phase in _order)
            {
                var (ticks, count) = _phases[phase];
                var seconds = (double)ticks / Stopwatch.Frequency;
                sb.Append(inv, $"  {phase,-28} {seconds,8:0.000} s  {count,6}x  {seconds * 1000 / Math.Max(1, count),9:0.0} ms each\n");
            }
        }
        return sb.ToString();
    }

    public readonly struct Scope(ImportTimings owner, string phase, long start) : IDisposable
    {
        public void Dispose()
        {
            if (start != 0)
            {
                owner.Add(phase, Stopwatch.GetTimestamp() - start);
            }
        }
    }
}
